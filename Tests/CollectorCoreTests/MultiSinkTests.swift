import CollectorCore
import CollectorTestSupport
import Foundation
import Testing

/// Behaviour that needs several sinks or tenants at once.
@Suite(.serialized) struct MultiSinkTests {
    @Test func aSinkThatIsDownHoldsTheCheckpointAndNothingIsDuplicatedLater() async throws {
        let emu = APIEmulator()
        let blobs = (0..<4).map { EmulatedBlob(contentId: "w\($0)", created: now - 900 + Int64($0), body: .generated(seed: 70 + $0, count: 5)) }
        emu.add(blobs, contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let socket = s.url.appendingPathComponent("queue").path
        let config = emulatorConfig(emu, scratch: s, extraSinks: "  - type: wazuh\n    socket: \(socket)\n")
        // Wazuh is not listening: nothing may count as delivered, and the JSONL write is rolled back.
        #expect(await runOnce(config) == .incomplete)
        #expect(jsonlIds(s.url.appendingPathComponent("events.jsonl")).isEmpty)
        // Wazuh comes up: everything is delivered once to both sinks.
        let listener = try DatagramListener(path: socket)
        // Read while the collector sends: the kernel queues only a few datagrams per socket.
        async let received = listener.receive(count: 20)
        #expect(await runOnce(config) == .complete)
        let ids = jsonlIds(s.url.appendingPathComponent("events.jsonl"))
        #expect(ids.count == 20 && Set(ids) == Set(blobs.flatMap(\.generatedIds)))
        let messages = await received
        #expect(messages.count == 20)
        #expect(messages.allSatisfy { $0.hasPrefix(#"1:office365:{"integration":"office365","office365":{"CreationTime":"#) && $0.hasSuffix(#","Subscription":"Audit.Exchange"}}"#) })
    }

    @Test func severalTenantsShareOneJSONLFileWithoutLossOrDuplicates() async throws {
        let a = APIEmulator(tenantID: "11111111-0000-0000-0000-00000000000a", pageSize: 4)
        let b = APIEmulator(tenantID: "11111111-0000-0000-0000-00000000000b", pageSize: 4)
        let blobsA = (0..<12).map { EmulatedBlob(contentId: "a\($0)", created: now - 900 + Int64($0), body: .generated(seed: 200 + $0, count: 9)) }
        let blobsB = (0..<12).map { EmulatedBlob(contentId: "b\($0)", created: now - 900 + Int64($0), body: .generated(seed: 300 + $0, count: 9)) }
        a.add(blobsA, contentType: "Audit.Exchange")
        b.add(blobsB, contentType: "Audit.SharePoint")
        try await a.start()
        try await b.start()
        defer { Task { await a.stop(); await b.stop() } }
        let s = Scratch()
        _ = s.write("secret.txt", "s3cr3t+&=value\n")
        let yaml = """
        state_dir: ./state
        max_concurrent_tenants: 2
        tenants:
          - name: tenant-a
            tenant_id: \(a.tenantID)
            client_id: \(a.clientID)
            auth: {client_secret_file: ./secret.txt}
            endpoints: {login: "\(a.baseURL)", api: "\(a.baseURL)"}
            content_types: [Audit.Exchange]
          - name: tenant-b
            tenant_id: \(b.tenantID)
            client_id: \(b.clientID)
            auth: {client_secret_env: B_SECRET}
            endpoints: {login: "\(b.baseURL)", api: "\(b.baseURL)"}
            content_types: [Audit.SharePoint]
        sinks:
          - type: jsonl
            path: ./events.jsonl
        """
        let env = ["B_SECRET": "s3cr3t+&=value"]
        let config = try ConfigLoader.load(path: s.write("config.yaml", yaml).path, environment: env)
        #expect(await runOnce(config, environment: env) == .complete)
        let ids = jsonlIds(s.url.appendingPathComponent("events.jsonl"))
        #expect(ids.count == 216 && Set(ids) == Set((blobsA + blobsB).flatMap(\.generatedIds)))
        // One database per tenant.
        let files = try FileManager.default.contentsOfDirectory(atPath: s.url.appendingPathComponent("state/tenants").path).sorted()
        #expect(files.filter { $0.hasSuffix(".sqlite") } == ["tenant-a.sqlite", "tenant-b.sqlite"])
    }
}
