import ERCTestSupport
import ExchangeConformance
import Storage
import Testing

@Suite("Common-property utilities (СОИ) on SQLite")
struct CommonPropertyTests {
    @Test(
        "by the norm, recalculated by the house meter after the year in equal parts, by the meter month by month with the negative carried forward, and charged by the supplier under direct management"
    )
    func sixHouses() throws {
        let folder = try TemporaryDirectory("erc-common")
        let connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        try CommonPropertyScenarios.run(on: connection, in: folder)
    }

    @Test("common-property data and house meters that break the rules are refused, naming the element, storing nothing")
    func refusals() throws {
        let folder = try TemporaryDirectory("erc-common-refused")
        let connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        try CommonPropertyScenarios.checkRefusals(on: connection, in: folder)
    }
}
