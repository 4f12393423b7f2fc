import ArgumentParser
import Foundation
import Experiments
import Studio

/// `imagegen serve`: the studio in the browser.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve ImageGen Studio: complete images with a mask you paint, sample backgrounds, write words in generated letters, watch training.",
        discussion: "Example: imagegen serve --runs runs/demo, then open http://127.0.0.1:8080/. The API is described at /openapi.json.")

    @Option(help: "Folder whose run folders (those holding config.json) the studio shows.") var runs = "runs"
    @Option(help: "Address to listen on: 127.0.0.1 keeps the studio to this machine; 0.0.0.0 opens it to the network.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(name: .customLong("body-limit"), help: "Largest request body in bytes (larger ones get 413).") var bodyLimit = 8 << 20

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): must be 0 to 65535") }
        guard bodyLimit > 0 else { throw ValidationError("--body-limit \(bodyLimit): must be positive") }
        guard !host.isEmpty else { throw ValidationError("--host is empty") }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runs, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("--runs \(runs): no such folder (train a run first, e.g. scripts/demo.sh writes runs/demo)")
        }
    }

    func run() async throws {
        let server = try validating { try StudioServer(options: .init(runs: runs, host: host, port: port, bodyLimit: bodyLimit)) }
        let count = server.service.runs().runs.count
        let address = host
        try await server.run { port in
            let scope = address == "127.0.0.1" || address == "localhost" || address == "::1" ? "this machine only (--host 0.0.0.0 opens it to the network)"
                                                                                   : "every address of \(address): other machines can reach it"
            print("ImageGen Studio on http://\(address):\(port)/ — \(count) run(s) under \(server.service.catalog.root); listening on \(scope)")
            print("Stop with Ctrl-C.")
        }
    }
}
