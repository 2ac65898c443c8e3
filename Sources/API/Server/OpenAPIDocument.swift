/// The OpenAPI 3.1 document of the service, kept in Docs/openapi.json and compiled in.
public enum OpenAPIDocument {
    public static var bytes: [UInt8] { PackageResources.openapi_json }
}
