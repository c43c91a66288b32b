import Foundation
@testable import O365KitCore

/// SplitMix64: a small seeded generator, so a failing differential case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Audit records for the differential test, wrapped as the office365 module sends them:
/// every operation and LogonError of the tables with RecordTypes of its workload, mutated
/// detection samples (hits and near misses), and odd values (unicode, very long strings,
/// missing fields, wrong JSON types).
struct GeneratedRecords {
    var random: SeededGenerator

    /// RecordTypes real records of each workload carry (Microsoft's AuditLogRecordType),
    /// plus the loud native ones (28, 40, 41, 47, 64) that the pack must leave alone.
    static let recordTypes: [String: [Int]] = [
        "AzureActiveDirectory": [8, 9, 15, 54],
        "Exchange": [1, 2, 3, 50, 28, 47, 64],
        "SharePoint": [4, 6, 14, 36, 56, 57],
        "OneDrive": [6, 7, 36],
        "SecurityComplianceCenter": [18, 24, 40, 41, 47],
        "MicrosoftTeams": [25],
        "PowerBI": [20],
        "Yammer": [22],
        "MicrosoftFlow": [30],
        "MicrosoftForms": [66],
        "PowerApps": [45],
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    /// `count` events, from the tables and the detection samples of `generation`.
    mutating func events(_ count: Int, generation: Generation, samples: [[String: Any]]) -> [String] {
        let operations = generation.project.operations.map { (name: $0.operation.value, workload: $0.workload) }
        let errors = generation.project.logonErrors.map(\.code.value)
        let failedLogin = generation.project.settings.logonErrorOperation
        var out: [String] = []
        out.reserveCapacity(count)
        while out.count < count {
            var record: [String: Any]
            switch random.next() % 100 {
            case 0..<60:
                let op = pick(operations)
                record = base(operation: variant(op.name), workload: op.workload)
            case 60..<75:
                record = base(operation: chance(90) ? failedLogin : variant(failedLogin), workload: "AzureActiveDirectory")
                record["RecordType"] = 15
                record["ResultStatus"] = pick(["Failed", "Success", "Succeeded"])
                record["LogonError"] = chance(85) ? variant(pick(errors)) : pick(["", "Unknown", "InvalidUserNameOrPassword "])
            default:
                record = pick(samples)
                mutate(&record)
            }
            oddities(&record)
            out.append(wrapped(record))
        }
        return out
    }

    mutating func base(operation: String, workload: String) -> [String: Any] {
        var record: [String: Any] = [
            "CreationTime": "2026-11-30T09:00:00",
            "Id": uuid(),
            "Operation": operation,
            "OrganizationId": "4a7c8238-5799-4e51-9b3b-1a4e5f8f2c10",
            "RecordType": pick(Self.recordTypes[workload] ?? [0]),
            "ResultStatus": pick(["Succeeded", "True", "Success", "PartiallySucceeded"]),
            "UserKey": "1003200123456789",
            "UserType": pick([0, 2, 5]),
            "Version": 1,
            "UserId": pick(["alice@contoso.example", "bob@contoso.example", "admin@contoso.example", "s.müller@contoso.example"]),
            "ClientIP": pick(["203.0.113.40", "198.51.100.7:51022", "2001:db8::1", "[2001:db8::2]:443"]),
        ]
        if !workload.isEmpty { record["Workload"] = workload }
        return record
    }

    /// The exact name, another case, or a near miss.
    mutating func variant(_ name: String) -> String {
        switch random.next() % 10 {
        case 0: return name.uppercased()
        case 1: return name.lowercased()
        case 2: return name + "x"
        case 3: return "x" + name
        case 4: return String(name.dropLast())
        default: return name
        }
    }

    mutating func mutate(_ record: inout [String: Any]) {
        switch random.next() % 6 {
        case 0: if let op = record["Operation"] as? String { record["Operation"] = variant(op) }
        case 1: record["UserId"] = pick(["eve@fabrikam.example", "", "ALICE@CONTOSO.EXAMPLE"])
        case 2: record["ClientIP"] = pick(["192.0.2.10", "203.0.113.99", "10.0.0.5"])
        case 3:
            if var parameters = record["Parameters"] as? [[String: Any]], !parameters.isEmpty {
                parameters.remove(at: Int(random.next() % UInt64(parameters.count)))
                record["Parameters"] = parameters
            }
        default: break
        }
    }

    /// Unicode, very long strings, missing fields and wrong JSON types, now and then.
    mutating func oddities(_ record: inout [String: Any]) {
        switch random.next() % 40 {
        case 0: record.removeValue(forKey: "RecordType")
        case 1: record.removeValue(forKey: "Workload")
        case 2: record.removeValue(forKey: "UserId")
        case 3: record["RecordType"] = String(describing: record["RecordType"] ?? 15)
        case 4: record["ResultStatus"] = true
        case 5: record["ObjectId"] = String(repeating: "Ω𝔸ß-", count: 700)
        case 6: record["UserId"] = "用户@contoso.example"
        case 7: record["Parameters"] = "-Identity bob -ForwardingSmtpAddress x@fabrikam.example"
        case 8: record["ExtendedProperties"] = [["Name": "UserAgent", "Value": String(repeating: "A", count: 5000)]]
        case 9: record["Operation"] = NSNull()
        case 10: record["UserId"] = ["alice@contoso.example"]
        case 11: record["ClientIP"] = 12345
        default: break
        }
    }

    mutating func uuid() -> String {
        let a = random.next(), b = random.next()
        return String(format: "%08x-%04x-%04x-%04x-%012llx", UInt32(truncatingIfNeeded: a), UInt16(truncatingIfNeeded: a >> 32),
                      UInt16(truncatingIfNeeded: a >> 48), UInt16(truncatingIfNeeded: b), b >> 16)
    }

    func wrapped(_ record: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["integration": "office365", "office365": record], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
