import Core
import Demo
import ERCTestSupport
import Foundation
import Principals
import Testing

@Suite("The synthetic demo region")
struct DemoRegionTests {
    @Test func sameSeedGivesTheSameFilesByteForByte() throws {
        let first = try TemporaryDirectory("erc-region")
        let second = try TemporaryDirectory("erc-region")
        let region = DemoRegion(premisesCount: 120, seed: 7, period: BillingPeriod("2026-10")!)
        let a = try region.write(to: first.path)
        let b = try region.write(to: second.path)
        // Five files per principal, and a readings file for each of the three metered utilities.
        #expect(a.all.count == 46 * 5 + 3)
        #expect(a.principalCount == 46)
        #expect(a.premisesCount == 120)
        for (x, y) in zip(a.all, b.all) {
            #expect(FileManager.default.contents(atPath: x) == FileManager.default.contents(atPath: y))
        }
        let other = try TemporaryDirectory("erc-region")
        let c = try DemoRegion(premisesCount: 120, seed: 8, period: BillingPeriod("2026-10")!).write(to: other.path)
        #expect(
            FileManager.default.contents(atPath: a.accounts[0]) != FileManager.default.contents(atPath: c.accounts[0]))
    }

    @Test func everyGeneratedFileValidatesWithXmllint() throws {
        let folder = try TemporaryDirectory("erc-region")
        let files = try DemoRegion(premisesCount: 60, seed: 1, period: BillingPeriod("2026-10")!).write(to: folder.path)
        let kinds = [
            (files.principals, "principal-1.xsd"), (files.accounts, "accounts-1.xsd"), (files.meters, "meters-1.xsd"),
            (files.tariffs, "tariffs-1.xsd"), (files.charges, "charges-1.xsd"),
        ]
        for (list, schema) in kinds {
            let result = try ProcessRunner.run(
                "xmllint", ["--nonet", "--noout", "--schema", TestPaths.schema(schema)] + list)
            #expect(result.status == 0, "\(result.stderr.prefix(500))")
        }
    }
}
