import Foundation

/// Makes realistic audit records quickly: a ~1 KB Exchange MailItemsAccessed record whose Id and
/// CreationTime vary. Used for large blobs (benchmark) where building JSON per record would make
/// the emulator the bottleneck.
public enum RecordFactory {
    /// The deterministic Id of record `index` of blob `blob` (a valid GUID).
    public static func id(blob: Int, index: Int) -> String {
        func hex(_ v: UInt64, _ width: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let b = UInt64(truncatingIfNeeded: blob), i = UInt64(truncatingIfNeeded: index)
        return "\(hex(b & 0xffff_ffff, 8))-\(hex((i >> 16) & 0xffff, 4))-4\(hex(i & 0xfff, 3))-8\(hex((b >> 4) & 0xfff, 3))-\(hex((b << 20 | (i & 0xfffff)) & 0xffff_ffff_ffff, 12))"
    }

    /// A ~1.1 KB Exchange MailItemsAccessed record.
    static let largeTemplate = #"{"CreationTime":"@CT@","Id":"@ID@","Operation":"MailItemsAccessed","OrganizationId":"c8085975-d882-42d2-9193-d82d752a5de9","RecordType":50,"ResultStatus":"Succeeded","UserKey":"10032000A1B2C3D4","UserType":0,"Version":1,"Workload":"Exchange","ClientIP":"203.0.113.17:51234","UserId":"alex.wilber@contoso.onmicrosoft.com","AppId":"00000002-0000-0ff1-ce00-000000000000","ClientAppId":"","ClientIPAddress":"203.0.113.17","ClientInfoString":"Client=OWA;Action=ViaProxy","ExternalAccess":false,"InternalLogonType":0,"LogonType":0,"LogonUserSid":"S-1-5-21-1234567890-1234567890-1234567890-12345","MailboxGuid":"5a8d4c2e-7f1b-4e3a-9c6d-2b1a0f9e8d7c","MailboxOwnerSid":"S-1-5-21-1234567890-1234567890-1234567890-12345","MailboxOwnerUPN":"alex.wilber@contoso.onmicrosoft.com","OperationProperties":[{"Name":"MailAccessType","Value":"Bind"},{"Name":"IsThrottled","Value":"False"}],"OrganizationName":"contoso.onmicrosoft.com","OriginatingServer":"DM6PR11MB1234 (15.20.4200.000)\r\n","SessionId":"9f2c1e3d-4b5a-6c7d-8e9f-0a1b2c3d4e5f","Folders":[{"FolderItems":[{"InternetMessageId":"<DM6PR11MB12345678@DM6PR11MB1234.namprd11.prod.outlook.com>"}],"Id":"LgAAAAAdhAMRqmYRzZvIAKoAL8RaDQCCxvWvH3MbT4L1Gy0R5cDIAAAAAAEMAAAB","Path":"\\Inbox"}],"OperationCount":1}"#

    /// A ~190-byte Entra sign-in record, for runs of tens of millions of records.
    static let smallTemplate = #"{"CreationTime":"@CT@","Id":"@ID@","Operation":"UserLoggedIn","RecordType":15,"ResultStatus":"Success","UserId":"alex.wilber@contoso.onmicrosoft.com","Workload":"AzureActiveDirectory","ClientIP":"203.0.113.17"}"#

    private static func split(_ template: String) -> [[UInt8]] {
        let a = template.components(separatedBy: "@CT@")
        let b = a[1].components(separatedBy: "@ID@")
        return [Array(a[0].utf8), Array(b[0].utf8), Array(b[1].utf8)]
    }
    private static let largeParts = split(largeTemplate)
    private static let smallParts = split(smallTemplate)

    /// A blob of `count` records: `[rec,rec,…]`, ~1.1 KB records or, with `small`, ~190-byte ones.
    public static func blob(blob: Int, count: Int, creationTime: String, small: Bool = false) -> [UInt8] {
        let parts = small ? smallParts : largeParts
        var out: [UInt8] = []
        out.reserveCapacity(count * (small ? 200 : 1_100) + 2)
        out.append(UInt8(ascii: "["))
        let ct = Array(creationTime.utf8)
        for i in 0..<count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: parts[0])
            out.append(contentsOf: ct)
            out.append(contentsOf: parts[1])
            out.append(contentsOf: id(blob: blob, index: i).utf8)
            out.append(contentsOf: parts[2])
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
