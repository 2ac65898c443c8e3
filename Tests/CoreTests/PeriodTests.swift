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

    @Test("due date: the day of the row in force for the period, moved off weekends and holidays")
    func dueDates() {
        func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }
        let calendar = LegalCalendar(rows: [
            RateRow(kind: .dueDay, from: day("2000-01-01"), value: 10, basis: "old"),
            RateRow(kind: .dueDay, from: day("2026-02-01"), value: 15, basis: "new"),
            RateRow(kind: .nonWorkingDay, from: day("2026-05-11"), basis: "holiday"),
            RateRow(kind: .nonWorkingDay, from: day("2026-04-15"), through: day("2026-04-16"), basis: "two days off"),
            RateRow(kind: .workingDay, from: day("2026-08-15"), basis: "a working Saturday"),
        ])
        #expect(calendar.dueDate(for: BillingPeriod("2025-10")!) == day("2025-11-10"))
        #expect(calendar.dueDate(for: BillingPeriod("2026-01")!) == day("2026-02-10"))
        // 15.03.2026 is a Sunday.
        #expect(calendar.dueDate(for: BillingPeriod("2026-02")!) == day("2026-03-16"))
        // 15 and 16.04.2026 (Wednesday, Thursday) are days off by the row: Friday the 17th.
        #expect(calendar.dueDate(for: BillingPeriod("2026-03")!) == day("2026-04-17"))
        // 15.05.2026 is a Friday; the holiday on the 11th does not matter.
        #expect(calendar.dueDate(for: BillingPeriod("2026-04")!) == day("2026-05-15"))
        // 15.08.2026 is a Saturday made a working day.
        #expect(calendar.dueDate(for: BillingPeriod("2026-07")!) == day("2026-08-15"))
        #expect(calendar.dueDate(for: BillingPeriod("2026-10")!) == day("2026-11-16"))
        // Without rows: the 10th, moved off a weekend.
        #expect(LegalCalendar(rows: []).dueDate(for: BillingPeriod("2026-09")!) == day("2026-10-12"))
        #expect(day("2026-11-30").weekday == 1 && day("2026-11-29").weekday == 7)
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
