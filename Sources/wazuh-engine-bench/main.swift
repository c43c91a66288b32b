// Measures WazuhRuleEngine throughput: raw JSON lines → decoded events → alerts, through the
// native office365 rules plus ~200 generated-style rules.
//
//   swift run -c release --scratch-path .build-engine wazuh-engine-bench [native-rules.xml] [records]
import Foundation
import WazuhRuleEngine

let arguments = CommandLine.arguments
let nativePath = arguments.count > 1 ? arguments[1] : "mappings/wazuh-native/0755-office365_rules.xml"
let recordCount = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000

let operations = (0..<150).map { "SyntheticOperation\($0)" }
let logonErrors = (0..<30).map { "LogonError\($0)" }

/// ~200 rules shaped like the generator's output.
func generatedRules() -> String {
    var xml = "<group name=\"o365kit,\">\n"
    var id = 103000
    for (i, op) in operations.enumerated() {
        xml += """
              <rule id="\(id)" level="\(4 + i % 6)">
                <if_sid>91532</if_sid>
                <field name="office365.Operation" type="osregex">^\(op)$</field>
                <description>Office 365: $(office365.UserId) ran \(op) on $(office365.ObjectId).</description>
                <options>no_full_log</options>
                <group>synthetic,</group>
                <mitre><id>T1098</id></mitre>
              </rule>

            """
        id += 1
    }
    for error in logonErrors {
        xml += """
              <rule id="\(id)" level="5">
                <if_sid>91545</if_sid>
                <field name="office365.Operation">^UserLoginFailed$</field>
                <field name="office365.LogonError">^\(error)$</field>
                <description>Office 365: login failed for $(office365.UserId): \(error).</description>
              </rule>

            """
        id += 1
    }
    for k in 0..<20 {
        xml += """
              <rule id="\(id)" level="6">
                <if_sid>91531</if_sid>
                <field name="office365.Workload">^Exchange$</field>
                <field name="office365.Operation" type="pcre2">^(?:New-InboxRule|Set-InboxRule)\(k)$</field>
                <description>Office 365: inbox rule by $(office365.UserId).</description>
              </rule>

            """
        id += 1
    }
    xml += "</group>\n"
    return xml
}

func record(_ i: Int) -> Data {
    let recordTypes = [1, 2, 4, 6, 8, 14, 15, 15, 15, 18, 20, 25, 28, 40]
    let recordType = recordTypes[i % recordTypes.count]
    let operation: String
    var extra = ""
    switch i % 5 {
    case 0: operation = operations[i % operations.count]
    case 1:
        operation = "UserLoginFailed"
        extra = ",\"LogonError\":\"\(logonErrors[i % logonErrors.count])\""
    case 2: operation = "FileDownloaded"
    case 3: operation = "Add-MailboxPermission"
        extra = ",\"Parameters\":[{\"Name\":\"Identity\",\"Value\":\"box\(i)\"},{\"Name\":\"AccessRights\",\"Value\":\"ReadPermission\"}]"
    default: operation = "UserLoggedIn"
    }
    let json = """
        {"CreationTime":"2026-11-30T12:00:00","Id":"5f0c\(i)-aaaa-bbbb-cccc-0123456789ab","Operation":"\(operation)",\
        "OrganizationId":"11111111-2222-3333-4444-555555555555","RecordType":\(recordType),"ResultStatus":"Success",\
        "UserKey":"1003BFFD\(i % 97)","UserType":0,"Version":1,"Workload":"\(i % 3 == 0 ? "Exchange" : "AzureActiveDirectory")",\
        "ClientIP":"203.0.113.\(i % 250)","ObjectId":"object-\(i % 1000)","UserId":"user\(i % 500)@contoso.com",\
        "AzureActiveDirectoryEventType":1,"ExtendedProperties":[{"Name":"UserAgent","Value":"Mozilla/5.0"}],\
        "Subscription":"Audit.General"\(extra)}
        """
    return DecodedEvent.wrapping(record: Data(json.utf8))
}

do {
    let native = try Data(contentsOf: URL(fileURLWithPath: nativePath))
    let ruleSet = try RuleSet(files: [(nativePath, native), ("generated.xml", Data(generatedRules().utf8))])
    let distinct = 4096
    let lines = (0..<distinct).map(record)
    var evaluator = Evaluator(ruleSet: ruleSet)
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    // Warm up, then time decode + evaluate of every record.
    for i in 0..<2000 { _ = evaluator.evaluate(DecodedEvent(json: lines[i % distinct]), at: t0) }
    var alerts = 0
    var byRule: [Int: Int] = [:]
    func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    let cpuStart = cpuSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<recordCount {
        let event = DecodedEvent(json: lines[i % distinct])
        if let alert = evaluator.evaluate(event, at: t0.addingTimeInterval(Double(i) / 1000)) {
            alerts += 1
            byRule[alert.ruleID, default: 0] += 1
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu = cpuSeconds() - cpuStart
    print("rules: \(ruleSet.rules.count) (\(ruleSet.warnings.count) warnings)")
    print("records: \(recordCount), alerts: \(alerts), distinct rules fired: \(byRule.count)")
    print(String(format: "wall: %.3f s, %.0f records/s; cpu: %.3f s, %.0f records/s (decode + evaluate, one thread)",
                 seconds, Double(recordCount) / seconds, cpu, Double(recordCount) / cpu))
} catch {
    print("error: \(error)")
    exit(1)
}
