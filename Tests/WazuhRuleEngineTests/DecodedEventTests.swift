import Foundation
import Testing
@testable import WazuhRuleEngine

@Suite("json decoder emulation")
struct DecodedEventTests {
    private func decode(_ json: String) -> DecodedEvent {
        DecodedEvent(json: Data(json.utf8))
    }

    @Test("nested objects flatten with dots; scalars print like json_decoder.c")
    func scalars() {
        let e = decode(#"{"integration":"office365","office365":{"RecordType":15,"Ratio":1.5,"Big":3000000000,"Ok":true,"No":false,"Gone":null,"Deep":{"A":"x"}}}"#)
        #expect(e.decoder == "json")
        #expect(e.field("integration") == "office365")
        #expect(e.field("office365.RecordType") == "15")
        #expect(e.field("office365.Ratio") == "1.500000")
        #expect(e.field("office365.Big") == "3000000000.000000")
        #expect(e.field("office365.Ok") == "true")
        #expect(e.field("office365.No") == "false")
        #expect(e.field("office365.Gone") == "null")
        #expect(e.field("office365.Deep.A") == "x")
        #expect(e.field("OFFICE365.recordtype") == "15")  // lookups are case-insensitive
    }

    @Test("arrays are kept as cJSON_Print text")
    func arrays() {
        let e = decode(#"{"o":{"Parameters":[{"Name":"Identity","Value":"a\"b"},{"Name":"AccessRights","Value":"FullAccess"}],"Tags":["a","b"],"Empty":[],"Nums":[1,2.5,null,true],"Nested":[[1],{}]}}"#)
        #expect(e.field("o.Parameters") == "[{\n\t\t\"Name\":\t\"Identity\",\n\t\t\"Value\":\t\"a\\\"b\"\n\t}, {\n\t\t\"Name\":\t\"AccessRights\",\n\t\t\"Value\":\t\"FullAccess\"\n\t}]")
        #expect(e.field("o.Tags") == "[\"a\", \"b\"]")
        #expect(e.field("o.Empty") == "[]")
        #expect(e.field("o.Nums") == "[1, 2.5, null, true]")
        #expect(e.field("o.Nested") == "[[1], {\n\t}]")
    }

    @Test("string escapes are decoded; the first occurrence of a key wins")
    func strings() {
        let e = decode(#"{"a":"x\ty\u00e9\ud83d\ude00","a":"second","s":"ab\u0000cd"}"#)
        #expect(e.field("a") == "x\ty\u{e9}\u{1F600}")
        #expect(e.fields.count == 3)
        #expect(e.field("s") == "ab")  // C strings stop at NUL
    }

    @Test("static keys do not become dynamic fields")
    func statics() {
        let e = decode(#"{"srcip":"10.0.0.1","id":"7","Id":"8"}"#)
        #expect(e.staticFields["srcip"] == "10.0.0.1")
        #expect(e.field("srcip") == nil)
        #expect(e.field("id") == "8")  // "Id" is not the static "id"
    }

    @Test("decoder selection follows 0006-json_decoders.xml")
    func decoders() {
        #expect(decode(#"{ "a":1}"#).decoder == "json")
        #expect(decode(#"{"integration":"ms-graph","x":null}"#).decoder == "json-msgraph")
        #expect(decode(#"{"integration":"ms-graph","x":null}"#).field("x") == nil)
        #expect(decode("plain text").decoder == nil)
        #expect(decode("{\t\"a\":1}").decoder == nil)  // \s is a space only
        let broken = decode(#"{"a":"#)
        #expect(broken.decoder == "json")
        #expect(broken.fields.isEmpty)
    }

    @Test("bare records are wrapped the way the wodle sends them")
    func wrapping() {
        let wrapped = DecodedEvent.wrapping(record: Data(#"{"RecordType":15,"Operation":"UserLoggedIn"}"#.utf8 + [10]))
        #expect(String(decoding: wrapped, as: UTF8.self) == #"{"integration":"office365","office365":{"RecordType":15,"Operation":"UserLoggedIn"}}"#)
        #expect(DecodedEvent(json: wrapped).field("office365.Operation") == "UserLoggedIn")
        let bare = DecodedEvent(auditRecord: Data(#"{"RecordType":15}"#.utf8))
        #expect(bare.field("integration") == "office365" && bare.field("office365.RecordType") == "15")
    }
}
