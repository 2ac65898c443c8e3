import Core
import Demo
import Testing

@Suite("The demo center")
struct DemoCenterTests {
    @Test("the demo center's requisites pass every check a real center's do")
    func demoCenter() throws {
        #expect(try CenterFields(Center.demo).checked().get() == Center.demo)
    }
}
