import Foundation
import LeadDeckCore
import LeadDeckServer
import LeadDeckStore
import Testing

/// `leaddeck serve` over real HTTP on loopback: ping, post, outcomes, reports, keys and bad input.
@Suite("serve: ping/post over HTTP", .serialized)
struct ServeTests {
    @Test func pingBidPostSuccessIsRecordedAndReported() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness()
            let ping = await h.post("/v1/ping", ServerHarness.ping("p1"))
            #expect(ping.status == 200)
            let bid = h.object(ping)
            #expect(bid["bid"] as? Bool == true)
            #expect((bid["price"] as? [String: Any])?["cents"] as? Int == 4000, "tier 1 bids the vertical's shared maximum, $40.00")
            #expect(bid["expires_at"] as? String == (ServerHarness.start + 120).iso8601)

            let post = await h.post("/v1/post", ServerHarness.post("p1"))
            #expect(post.status == 200)
            let answer = h.object(post)
            #expect(answer["outcome"] as? String == "success")
            #expect((answer["lead"] as? [String: Any])?["id"] as? String == "p1")
            #expect(((answer["lead"] as? [String: Any])?["price"] as? [String: Any])?["cents"] as? Int == 4000)

            // Recorded, with the exchange, and visible in the report as a bid and a win.
            let events = try h.events()
            #expect(events.contains { if case .ping(let e) = $0 { return e.ping.pingID == "p1" && e.ping.exchange == "acme" } else { return false } })
            let bought = events.compactMap { if case .offer(let e) = $0 { return e } else { return nil } }
            #expect(bought.count == 1)
            #expect(bought.first?.decision == .bought(.shared))
            #expect(bought.first?.offer.exchange == "acme")
            #expect(bought.first?.offer.pingID == "p1")
            #expect(bought.first?.offer.phone == "2145550100", "phone_1 is the phone")

            let report = await h.call("GET", "/v1/report?by=source&window=today")
            let rows = h.object(report)["rows"] as? [[String: Any]] ?? []
            let row = rows.first { $0["id"] as? String == "AUT01" }
            #expect(row?["pinged"] as? Int == 1)
            #expect(row?["bids"] as? Int == 1)
            #expect(row?["won"] as? Int == 1)
            #expect(row?["spendCents"] as? Int == 4000)
            let byExchange = h.object(await h.call("GET", "/v1/report?by=exchange&window=all"))["rows"] as? [[String: Any]] ?? []
            #expect(byExchange.first?["id"] as? String == "acme")
            #expect(byExchange.first?["boughtShared"] as? Int == 1)

            // A disposition for it is recorded too.
            let outcome = await h.post("/v1/outcomes", #"{"lead_id":"p1","outcome":"converted","revenue":"600.00"}"#)
            #expect(outcome.status == 200)
            #expect(h.object(outcome)["recorded"] as? Int == 1)
            let sources = await h.call("GET", "/v1/sources")
            #expect(sources.status == 200)
            #expect(sources.text.contains("\"id\":\"AUT01\""))
            await h.stop()
        }
    }

    @Test func blockedSourceGetsNoBidWithItsReason() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness(policy: [{ _ in .block(source: "AUT01", subID: nil) }])
            let answer = h.object(await h.post("/v1/ping", ServerHarness.ping("p1")))
            #expect(answer["bid"] as? Bool == false)
            #expect(answer["reason"] as? String == "blocked")
            await h.stop()
        }
    }

    @Test func exclusiveOnlyPolicyRefusesASharedPing() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness(policy: [{ p in .globalMode(from: p.globalMode, to: .exclusive) }])
            let shared = h.object(await h.post("/v1/ping", ServerHarness.ping("p1")))
            #expect(shared["bid"] as? Bool == false)
            #expect(shared["reason"] as? String == "mode")
            let exclusive = h.object(await h.post("/v1/ping", ServerHarness.ping("p2", sale: "exclusive")))
            #expect(exclusive["bid"] as? Bool == true)
            #expect((exclusive["price"] as? [String: Any])?["cents"] as? Int == 9700)
            await h.stop()
        }
    }

    @Test func aCapReachedBetweenPingAndPostFailsThePost() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness(policy: [{ p in .caps(source: "AUT01", from: LeadCaps(daily: p.settings(for: "AUT01").dailyCap, hourly: p.settings(for: "AUT01").hourlyCap), to: LeadCaps(daily: 1, hourly: nil)) }])
            #expect(h.object(await h.post("/v1/ping", ServerHarness.ping("p1")))["bid"] as? Bool == true)
            #expect(h.object(await h.post("/v1/ping", ServerHarness.ping("p2")))["bid"] as? Bool == true, "the cap is not reached yet")
            #expect(h.object(await h.post("/v1/post", ServerHarness.post("p1")))["outcome"] as? String == "success")
            let second = h.object(await h.post("/v1/post", ServerHarness.post("p2", phone: "2145550199", email: "bo@example.com")))
            #expect(second["outcome"] as? String == "failure")
            #expect(second["reason"] as? String == "cap")
            await h.stop()
        }
    }

    @Test func anExpiredPingFailsAndAnUnknownOneToo() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness(bidSeconds: 30)
            #expect(h.object(await h.post("/v1/ping", ServerHarness.ping("p1")))["bid"] as? Bool == true)
            h.advanceClock(31)
            let late = h.object(await h.post("/v1/post", ServerHarness.post("p1")))
            #expect(late["outcome"] as? String == "failure")
            #expect(late["reason"] as? String == "expired_ping")
            let unknown = h.object(await h.post("/v1/post", ServerHarness.post("nope")))
            #expect(unknown["reason"] as? String == "unknown_ping")
            #expect(try h.events().allSatisfy { if case .offer = $0 { return false } else { return true } }, "no purchase recorded")
            await h.stop()
        }
    }

    @Test func aDuplicateConsumerFails() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness()
            _ = await h.post("/v1/ping", ServerHarness.ping("p1"))
            _ = await h.post("/v1/ping", ServerHarness.ping("p2", source: "AUT02", sub: "a25"))
            #expect(h.object(await h.post("/v1/post", ServerHarness.post("p1")))["outcome"] as? String == "success")
            let again = h.object(await h.post("/v1/post", ServerHarness.post("p2")))
            #expect(again["outcome"] as? String == "failure")
            #expect(again["reason"] as? String == "duplicate")
            await h.stop()
        }
    }

    @Test func aRetriedPostIsAnsweredTheSameAndRecordedOnce() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness()
            _ = await h.post("/v1/ping", ServerHarness.ping("p1"))
            let first = await h.post("/v1/post", ServerHarness.post("p1"))
            let retry = await h.post("/v1/post", ServerHarness.post("p1"))
            #expect(h.object(first)["outcome"] as? String == "success")
            #expect(retry.text == first.text)
            #expect(try h.events().filter { if case .offer = $0 { return true } else { return false } }.count == 1)
            await h.stop()
        }
    }

    @Test func priorityTiersScaleTheBidRoundedDownToTheCent() async throws {
        try await onOwnThreads {
            // $40.01 shared for auto: tier 4 bids 65% = 2600.65 cents, rounded down to $26.00; tier 2 bids 90% = $36.00 (3600.9).
            let h = try await ServerHarness(policy: [
                { p in .maxPrice(vertical: "auto", from: p.maxPrice["auto"], to: PriceLimit(shared: Money(cents: 4001), exclusive: Money(cents: 9700))) },
                { p in .priority(source: "AUT01", from: p.settings(for: "AUT01").priority, to: 4) },
                { p in .priority(source: "AUT02", from: p.settings(for: "AUT02").priority, to: 2) },
            ])
            let tier4 = h.object(await h.post("/v1/ping", ServerHarness.ping("p1")))
            #expect((tier4["price"] as? [String: Any])?["cents"] as? Int == 2600)
            let tier2 = h.object(await h.post("/v1/ping", ServerHarness.ping("p2", source: "AUT02", sub: "a25")))
            #expect((tier2["price"] as? [String: Any])?["cents"] as? Int == 3600)
            // Below the exchange's floor: no bid.
            let floored = h.object(await h.post("/v1/ping", ServerHarness.ping("p3", extra: ",\"floor\":26.01")))
            #expect(floored["bid"] as? Bool == false)
            #expect(floored["reason"] as? String == "floor")
            let atFloor = h.object(await h.post("/v1/ping", ServerHarness.ping("p4", extra: ",\"floor_cents\":2600")))
            #expect(atFloor["bid"] as? Bool == true)
            await h.stop()
        }
    }

    @Test func missingWrongAndRevokedKeysGet401AndRecordNothing() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness()
            let before = try h.events().count
            let missing = await h.post("/v1/ping", ServerHarness.ping("p1"), key: .some(nil))
            #expect(missing.status == 401)
            #expect(h.object(missing)["error"] as? String == "unauthorized")
            let wrong = await h.post("/v1/ping", ServerHarness.ping("p1"), key: "ldk_" + String(repeating: "0", count: 64))
            #expect(wrong.status == 401)
            try h.store.changeKeys { (r: inout KeyRing) throws(StoreError) in try r.revoke(name: "acme", at: ServerHarness.start, by: "test") }
            let revoked = await h.post("/v1/ping", ServerHarness.ping("p1"))
            #expect(revoked.status == 401)
            #expect(try h.events().count == before)
            let health = await h.call("GET", "/healthz", key: .some(nil))
            #expect(health.status == 200, "health needs no key")
            #expect(h.object(health)["engine"] as? String == "running")
            await h.stop()
        }
    }

    @Test func everyBadInputIsAJSONErrorThatRecordsNothing() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness()
            let before = try h.events().count
            let cases: [(String, [UInt8], String?, Int, String)] = [
                ("malformed JSON", Array("{\"ping_id\":".utf8), "application/json", 400, "not valid JSON"),
                ("wrong type", Array(ServerHarness.ping("p1").replacingOccurrences(of: "\"max_sells\":3", with: "\"max_sells\":\"3\"").utf8), "application/json", 400, "max_sells"),
                ("missing field", Array(#"{"ping_id":"p1","source_id":"AUT01","state":"TX","sale_type":"shared"}"#.utf8), "application/json", 400, "vertical"),
                ("unknown field", Array(ServerHarness.ping("p1", extra: ",\"phone\":\"2145550100\"").utf8), "application/json", 400, "phone"),
                ("unknown source", Array(ServerHarness.ping("p1", source: "ZZZ99").utf8), "application/json", 400, "source_id"),
                ("invalid UTF-8", Array(#"{"ping_id":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), "application/json", 400, "UTF-8"),
                ("too large", Array(repeating: UInt8(ascii: " "), count: 65 * 1024) + Array("{}".utf8), "application/json", 413, "64 KiB"),
                ("wrong content type", Array(ServerHarness.ping("p1").utf8), "text/plain", 415, "application/json"),
            ]
            for (name, body, type, status, words) in cases {
                let r = await h.call("POST", "/v1/ping", body: body, contentType: type)
                #expect(r.status == status, "\(name)")
                #expect(r.headers["content-type"] == "application/json", "\(name)")
                #expect((h.object(r)["message"] as? String)?.contains(words) == true, "\(name): \(r.text)")
            }
            let method = await h.call("GET", "/v1/ping")
            #expect(method.status == 405)
            #expect(method.headers["allow"] == "POST")
            let path = await h.call("GET", "/v1/nothing")
            #expect(path.status == 404)
            #expect(h.object(path)["error"] as? String == "not_found")
            let badReport = await h.call("GET", "/v1/report?by=colour")
            #expect(badReport.status == 400)
            let badOutcome = await h.post("/v1/outcomes", #"[{"lead_id":"nope","outcome":"contacted"},{"lead_id":"x","outcome":"danced"}]"#)
            #expect(badOutcome.status == 400)
            #expect(h.object(badOutcome)["rejected"] as? Int == 2)
            #expect(try h.events().count == before, "nothing recorded")
            // The server keeps serving.
            #expect(h.object(await h.post("/v1/ping", ServerHarness.ping("p9")))["bid"] as? Bool == true)
            await h.stop()
        }
    }

    @Test func postsArrivingTogetherAreDecidedInOneDurableBatch() async throws {
        try await onOwnThreads {
            let h = try await ServerHarness()
            let sources = [("AUT01", "a91"), ("AUT02", "a25")]
            for i in 0..<32 {
                let (s, sub) = sources[i % 2]
                _ = await h.post("/v1/ping", ServerHarness.ping("p\(i)", source: s, sub: sub))
            }
            let before = h.service.batchesDecided
            h.service.hold()
            let answers = await withTaskGroup(of: String.self) { group in
                for i in 0..<32 {
                    group.addTask { h.object(await h.post("/v1/post", ServerHarness.post("p\(i)", phone: "21455502\(String(format: "%02d", i))", email: "c\(i)@example.com")))["outcome"] as? String ?? "?" }
                }
                while h.service.queued < 32 { try? await Task.sleep(for: .milliseconds(5)) }
                h.service.release()
                var all: [String] = []
                for await a in group { all.append(a) }
                return all
            }
            #expect(answers.filter { $0 == "success" }.count == 32)
            #expect(h.service.batchesDecided - before == 1, "32 posts, one batch, one fsync")
            await h.stop()
        }
    }
}
