import Foundation
import Testing

/// `imagegen serve` refuses bad flags before it binds anything: exit 64 and a message naming the flag.
@Suite struct ServeCLITests {
    @Test(arguments: [(["--runs", "/no/such/runs/folder"], "--runs"), (["--port", "70000"], "--port"),
                      (["--body-limit", "0"], "--body-limit"), (["--host", ""], "--host")])
    func badFlagsExit64NamingTheFlag(flags: [String], named: String) throws {
        let result = try CLIProcess(["serve"] + flags, log: temporaryRunPath() + ".log").finish()
        #expect(result.status == 64, "\(flags): \(result.output)")
        #expect(result.output.contains(named), "\(result.output)")
    }
}
