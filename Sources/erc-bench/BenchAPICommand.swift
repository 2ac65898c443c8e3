import API
import ArgumentParser
import CommandLineSupport
import Core
import Demo
import Foundation
import Intake
import Principals
import Storage

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// A load run of POST /v1/readings with wrk against `erc serve` in a child process.
struct APIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Load POST /v1/readings with wrk (idempotency keys, retries mixed in) and count what was stored.",
        discussion: """
            Loads a generated region (unless the database has one), makes a channel key, starts \
            `erc serve` on a free loopback port as a child process and runs wrk against POST \
            /v1/readings: every request a new reading of one of --meters meters with its own \
            Idempotency-Key, every 8th a retry of a request sent just before (same key, same body). \
            Then every key wrk generated is sent once more, as a client does whose answer was lost; \
            the readings stored must equal the distinct keys accepted, exactly. \
            Reports accepted readings/s, latency percentiles (wrk --latency), and the server's peak \
            memory. Needs wrk (scripts/setup.sh bench).
            """)
    @Option(help: "Database (a postgres:// URL, or an SQLite file; default: a new SQLite file in the work folder).")
    var db: String?
    @Option(help: "Meters the readings go to.") var meters = 1_000
    @Option(help: "Seconds of load.") var duration = 10
    @Option(help: "wrk connections.") var connections = 16
    @Option(help: "wrk threads.") var threads = 1
    @Option(help: "Database connections for the server's writes (PostgreSQL).") var writers: Int?
    @Option(help: "Work folder (default: a new temporary folder, removed afterwards).") var work: String?

    func run() async throws {
        let wrk = "/usr/bin/wrk"
        guard FileManager.default.isExecutableFile(atPath: wrk) else {
            throw ValidationError("wrk is not installed: run scripts/setup.sh bench")
        }
        let folder = work ?? NSTemporaryDirectory() + "erc-bench-api-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if work == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let location = DatabaseLocation(db ?? "\(folder)/bench.sqlite")
        let connection = try location.open()
        let today = CenterCalendar.today
        if try connection.scalar("SELECT COUNT(*) FROM meters") < Int64(meters) {
            let premises = meters / 2 + 50
            print("Loading a generated region of \(premises) premises into \(location)")
            let files = try DemoRegion(premisesCount: premises, seed: 5, period: BillingPeriod.clamped(2026, 10))
                .write(to: folder)
            let importer = ExchangeImporter(connection: connection, readings: ReadingsFileRules(today: today))
            for file in files.all { _ = try importer.importFile(at: file) }
        }
        // Meters that take a reading today, with the value to count up from.
        let chosen: [(serial: String, account: String, base: Int64)] = try connection.all(
            """
            SELECT m.serial, m.account_number,
                   COALESCE((SELECT MAX(r.value_milli) FROM readings r
                             WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial),
                            m.initial_reading_milli, 0)
            FROM meters m WHERE m.digits >= 5 AND m.installed_on <= ? ORDER BY m.account_number, m.serial LIMIT ?
            """, [today, meters]
        ).map { (try $0.string(0), try $0.string(1), try $0.int64(2)) }
        guard chosen.count == meters else {
            throw ValidationError("the database has only \(chosen.count) meters to read")
        }
        let (key, token) = try KeyStore(connection: connection).create(
            name: "load \(getpid())", role: .channel, scope: "web")
        let run = "load\(getpid())x\(Int(Date().timeIntervalSince1970) % 100_000)"

        let server = try ServerProcess(location: location, writers: writers, folder: folder)
        defer { server.stop() }
        print("erc serve: pid \(server.pid), port \(server.port), \(location)")

        let script = "\(folder)/readings.lua"
        try Self.lua(meters: chosen, threads: threads, token: token, run: run, day: "\(today)")
            .write(toFile: script, atomically: true, encoding: .utf8)
        print("wrk: \(threads) thread(s), \(connections) connections, \(duration) s, \(meters) meters")
        let output = "\(folder)/wrk.txt"
        let measured = try Measured.run(
            [
                wrk, "-t\(threads)", "-c\(connections)", "-d\(duration)s", "--latency", "-s", script,
                "http://127.0.0.1:\(server.port)/v1/readings",
            ], stdoutPath: output)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        guard measured.status == 0, let summary = WrkSummary(text) else {
            throw BenchFailure("wrk failed (\(measured.status)):\n\(text)")
        }

        // Every key wrk generated, once more: a client whose answer was lost sends it again.
        let sweep = try await Self.sweep(
            port: server.port, token: token, meters: chosen, threads: threads, fresh: summary.fresh, run: run,
            day: "\(today)")
        let stored = try connection.scalar(
            "SELECT COUNT(*) FROM readings WHERE idempotency_key LIKE ?", ["\(key.id):\(run)-%"])
        let distinct = try connection.scalar(
            "SELECT COUNT(DISTINCT idempotency_key) FROM readings WHERE idempotency_key LIKE ?", ["\(key.id):\(run)-%"])
        let keys = summary.fresh.reduce(0, +)
        let seconds = Double(summary.durationMicros) / 1e6
        let accepted = summary.requests - summary.non2xx
        print(
            String(
                format: """
                    Requests      %d in %.2f s (%d fresh readings, %d retries of a key sent before), non-2xx %d
                    Accepted      %.0f readings/s (%.0f new readings/s)
                    Latency       p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms
                    Second send   %d keys: %d stored only now (in flight when wrk stopped), %d refused (never stored: \
                    generated by wrk but not sent, and older than a later reading of the meter)
                    Stored        %d readings, %d distinct keys; accepted keys %d: %@
                    Server        peak RSS %.1f MB
                    """, summary.requests, seconds, keys, summary.retries, summary.non2xx, Double(accepted) / seconds,
                Double(summary.requests - summary.retries - summary.non2xx) / seconds, summary.p50 / 1000,
                summary.p90 / 1000,
                summary.p99 / 1000, summary.max / 1000, sweep.sent, sweep.fresh, sweep.refused, stored, distinct,
                keys - sweep.refused,
                stored == Int64(keys - sweep.refused) && distinct == stored ? "equal" : "DIFFERENT",
                Double(server.peakRSSKiB()) / 1024))
        guard stored == Int64(keys - sweep.refused), distinct == stored, sweep.refused <= connections * threads else {
            throw ExitCode(1)
        }
    }

    /// What wrk printed, and the per-thread counts the script added.
    struct WrkSummary {
        var requests = 0
        var durationMicros = 0
        var non2xx = 0
        var p50 = 0.0, p90 = 0.0, p99 = 0.0, max = 0.0
        var fresh: [Int] = []
        var retries = 0

        init?(_ text: String) {
            var threads: [(Int, Int, Int)] = []
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                switch words.first {
                case "ERC-THREAD": threads.append((Int(words[1]) ?? 0, Int(words[2]) ?? 0, Int(words[3]) ?? 0))
                case "ERC-LATENCY":
                    (p50, p90, p99, max) = (
                        Double(words[1]) ?? 0, Double(words[2]) ?? 0, Double(words[3]) ?? 0, Double(words[4]) ?? 0
                    )
                case "ERC-SUMMARY":
                    (requests, durationMicros, non2xx) = (Int(words[1]) ?? 0, Int(words[2]) ?? 0, Int(words[3]) ?? 0)
                default: break
                }
            }
            guard !threads.isEmpty, requests > 0 else { return nil }
            fresh = threads.sorted { $0.0 < $1.0 }.map(\.1)
            retries = threads.map(\.2).reduce(0, +)
        }
    }

    static func lua(
        meters: [(serial: String, account: String, base: Int64)], threads: Int, token: String, run: String, day: String
    ) -> String {
        let table = meters.map { "{\"\($0.serial)\",\"\($0.account)\",\($0.base)}" }.joined(separator: ",\n")
        return """
            -- Generated by erc bench api: new readings with their own keys, every 8th a retry.
            local meters = {
            \(table)
            }
            local threads = {}
            local counter = 1
            function setup(thread)
              thread:set("tid", counter)
              counter = counter + 1
              table.insert(threads, thread)
            end
            function init(args)
              mine = {}
              for i, m in ipairs(meters) do
                if (i - 1) % \(threads) == tid - 1 then table.insert(mine, m) end
              end
              fresh, retries, sent, recent = 0, 0, 0, {}
              wrk.method = "POST"
              wrk.headers["Content-Type"] = "application/json"
              wrk.headers["Authorization"] = "Bearer \(token)"
            end
            function request()
              sent = sent + 1
              local key, body
              if sent % 8 == 0 and recent[4] then
                key, body = recent[4][1], recent[4][2]
                retries = retries + 1
              else
                fresh = fresh + 1
                local m = mine[(fresh - 1) % #mine + 1]
                local v = m[3] + (math.floor((fresh - 1) / #mine) + 1) * 1000
                body = string.format('{"account":"%s","meter":"%s","value":"%d.%03d","takenOn":"\(day)"}',
                  m[2], m[1], math.floor(v / 1000), v % 1000)
                key = "\(run)-" .. tid .. "-" .. fresh
                table.insert(recent, 1, {key, body})
                if #recent > 8 then table.remove(recent) end
              end
              wrk.headers["Idempotency-Key"] = key
              return wrk.format(nil, nil, nil, body)
            end
            function done(summary, latency, requests)
              for _, t in ipairs(threads) do
                io.write(string.format("ERC-THREAD %d %d %d\\n", t:get("tid"), t:get("fresh"), t:get("retries")))
              end
              io.write(string.format("ERC-LATENCY %d %d %d %d\\n", latency:percentile(50), latency:percentile(90),
                latency:percentile(99), latency.max))
              io.write(string.format("ERC-SUMMARY %d %d %d\\n", summary.requests, summary.duration, summary.errors.status))
            end

            """
    }

    /// Sends every generated key again, eight at a time.
    static func sweep(
        port: Int, token: String, meters: [(serial: String, account: String, base: Int64)], threads: Int, fresh: [Int],
        run: String, day: String
    ) async throws -> (sent: Int, fresh: Int, refused: Int) {
        let session = URLSession(configuration: .ephemeral)
        var work: [(String, String)] = []
        for (index, count) in fresh.enumerated() where count > 0 {
            let thread = index + 1
            let mine = meters.enumerated().filter { $0.offset % threads == thread - 1 }.map(\.element)
            for n in 1...count {
                let meter = mine[(n - 1) % mine.count]
                let value = meter.base + Int64((n - 1) / mine.count + 1) * 1_000
                let body = String(
                    format: "{\"account\":\"%@\",\"meter\":\"%@\",\"value\":\"%lld.%03lld\",\"takenOn\":\"%@\"}",
                    meter.account, meter.serial, value / 1_000, value % 1_000, day)
                work.append(("\(run)-\(thread)-\(n)", body))
            }
        }
        guard let url = URL(string: "http://127.0.0.1:\(port)/v1/readings") else {
            throw BenchFailure("no URL for port \(port)")
        }
        let progress = Progress("sending every key again", total: work.count)
        var (sent, new, refused) = (0, 0, 0)
        try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            var next = 0
            func add() {
                guard next < work.count else { return }
                let (key, body) = work[next]
                next += 1
                group.addTask {
                    var request = URLRequest(url: url)
                    request.httpMethod = "POST"
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                    request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
                    request.httpBody = Data(body.utf8)
                    let (data, response) = try await session.data(for: request)
                    guard let http = response as? HTTPURLResponse else {
                        throw BenchFailure("\(key): the answer is not HTTP")
                    }
                    if http.statusCode != 201, http.statusCode != 422 {
                        print("\(key): \(http.statusCode) \(String(decoding: data, as: UTF8.self))")
                    }
                    return (http.statusCode, http.value(forHTTPHeaderField: "Idempotent-Replayed") == nil)
                }
            }
            for _ in 0..<8 { add() }
            while let (status, isNew) = try await group.next() {
                sent += 1
                switch status {
                case 201: if isNew { new += 1 }
                case 422: refused += 1
                default: throw BenchFailure("a key sent again was answered \(status)")
                }
                if sent % 1000 == 0 { progress.update(sent) }
                add()
            }
        }
        progress.finish()
        return (sent, new, refused)
    }
}

/// `erc serve` as a child process on a free port, stopped with SIGTERM.
final class ServerProcess {
    let pid: pid_t
    let port: Int

    init(location: DatabaseLocation, writers: Int?, folder: String) throws {
        let log = "\(folder)/serve.log"
        var argv = [try ERCBench.ercBinary(), "serve", "--db", location.url, "--port", "0", "--log-level", "warning"]
        if let writers { argv += ["--writers", "\(writers)"] }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for argument in cArgs { free(argument) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        guard rc == 0 else { throw BenchFailure("cannot start erc serve: \(String(cString: strerror(rc)))") }
        self.pid = pid
        var port = 0
        for _ in 0..<300 where port == 0 {
            usleep(50_000)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
            }
        }
        guard port > 0 else {
            kill(pid, SIGTERM)
            throw BenchFailure("erc serve did not start: see \(log)")
        }
        self.port = port
    }

    /// The server's peak resident memory so far (VmHWM).
    func peakRSSKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
