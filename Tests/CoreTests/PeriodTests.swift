import Core
import Testing

@Suite("Billing periods and calendar days")
struct PeriodTests {
    @Test func parsesAndSteps() throws {
        let period = try #require(BillingPeriod("2026-10"))
        #expect(period.description == "2026-10")
        #expect(period.next.description == "2026-11")
        #expect(BillingPeriod("2026-12")!.next.description == "2027-01")
        #expect(BillingPeriod("2026-01")!.previous.description == "2025-12")
        #expect(period.mmyyyy == "102026")
        #expect(period.russianName == "октябрь 2026")
    }

    @Test(arguments: ["2026-13", "2026-1", "26-10", "2026/10", "2026-00", "", "abcd-ef"])
    func refuses(_ text: String) {
        #expect(BillingPeriod(text) == nil)
    }

    @Test("due date: the 10th up to February 2026, the 15th from March 2026 (177-FZ)")
    func dueDates() {
        #expect(BillingPeriod("2025-10")!.dueDate.description == "2025-11-10")
        #expect(BillingPeriod("2026-02")!.dueDate.description == "2026-03-10")
        #expect(BillingPeriod("2026-03")!.dueDate.description == "2026-04-15")
        #expect(BillingPeriod("2026-10")!.dueDate.description == "2026-11-15")
        #expect(BillingPeriod("2026-12")!.dueDate.description == "2027-01-15")
    }

    @Test func calendarDaysCount() throws {
        let due = try #require(CalendarDate(iso: "2025-11-10"))
        #expect(due.adding(days: 31).description == "2025-12-11")
        #expect(due.adding(days: 91).description == "2026-02-09")
        #expect(due.days(until: CalendarDate(iso: "2026-02-20")!) == 102)
        #expect(CalendarDate(iso: "2024-02-29") != nil)
        #expect(CalendarDate(iso: "2026-02-29") == nil)
        #expect(CalendarDate(iso: "1970-01-01")!.dayNumber == 0)
        for day in stride(from: -1_000, through: 30_000, by: 37) {
            #expect(CalendarDate(dayNumber: day).dayNumber == day)
        }
        #expect(due.russian == "10.11.2025")
    }
}
