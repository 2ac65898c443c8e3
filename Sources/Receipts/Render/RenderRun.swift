public import Core
public import Storage
import Dispatch

/// What a rendering run produced.
public struct RenderSummary: Sendable, Hashable {
    public var documents: Int
    public var pages: Int
    public var bytes: Int
}

/// Renders one PDF per premises for a period into a folder (`<account>.pdf`), on every core:
/// each worker opens its own connection and takes its share of the premises.
public struct RenderRun: Sendable {
    public let location: DatabaseLocation
    public let period: BillingPeriod
    public let outputDirectory: String
    public let center: Center
    public let renderer: EPDRenderer
    public let workers: Int

    public init(
        location: DatabaseLocation, period: BillingPeriod, outputDirectory: String, center: Center,
        renderer: EPDRenderer = EPDRenderer(), workers: Int = activeProcessorCount()
    ) {
        self.location = location
        self.period = period
        self.outputDirectory = outputDirectory
        self.center = center
        self.renderer = renderer
        self.workers = max(1, workers)
    }

    public func run(progress: @Sendable (Int) -> Void = { _ in }) throws -> RenderSummary {
        let results = ResultBox(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { index in
            do {
                let connection = try location.connect()
                var summary = RenderSummary(documents: 0, pages: 0, bytes: 0)
                try EPDLoader(connection: connection, center: center).forEachDocument(
                    period: period, share: (index, workers)
                ) { epd in
                    let path = "\(outputDirectory)/\(epd.account.value).pdf"
                    summary.pages += try renderer.render(epd, to: path)
                    summary.bytes += fileSize(path)
                    summary.documents += 1
                    progress(results.add(document: 1))
                }
                results.set(index, .success(summary))
            } catch {
                results.set(index, .failure(error))
            }
        }
        var total = RenderSummary(documents: 0, pages: 0, bytes: 0)
        for result in results.all() {
            let summary = try result.get()
            total.documents += summary.documents
            total.pages += summary.pages
            total.bytes += summary.bytes
        }
        return total
    }
}
