#!/usr/bin/env bash
# Fuzzes one of LeadDeck's input parsers with libFuzzer, guided by coverage of the real parser code.
#
#   scripts/fuzz.sh <offers|outcomes|logline|json> [seconds=60] [libFuzzer flags or input files...]
#
# seconds=0 fuzzes until stopped (Ctrl-C). Examples: `scripts/fuzz.sh offers 600 -jobs=2 -workers=2`,
# `scripts/fuzz.sh offers 0 .build-fuzz/crashes/offers-crash-...` (replay one input).
# Seeds come from Tests/Corpus/<target>/ (kept in git). New interesting inputs go to the scratch corpus
# .build-fuzz/corpus/<target>/, crashes and invariant failures to .build-fuzz/crashes/, logs to .build-fuzz/logs/.
# Extra arguments go to libFuzzer; an input file replays just that input (e.g. a crash file).
# Exit status: 0 no crash, 1 crash or invariant failure found, 2 the json parser does not exist yet,
# 3 build failed, 64 bad usage.
#
# How it builds: SwiftPM builds LeadDeckCore and its dependencies (swift-collections' HeapModule) in
# .build-fuzz with `--sanitize fuzzer --sanitize address` (coverage instrumentation + ASan); then swiftc
# compiles every Sources/LeadDeckStore/*.swift file with Fuzz/<target>.swift as one module, so the entry point
# can call internal symbols, with the same instrumentation, and links libFuzzer.
set -euo pipefail

# Everything is in main, read whole before it runs, so editing this file during a run is harmless.
main() {
    usage() {
        echo "usage: scripts/fuzz.sh <offers|outcomes|logline|json> [seconds=60] [libFuzzer flags or input files...]" >&2
        exit 64
    }
    [[ $# -ge 1 ]] || usage
    target=$1
    shift
    seconds=60
    if [[ $# -gt 0 ]]; then seconds=$1; shift; fi
    case $target in offers | outcomes | logline | json) ;; *) usage ;; esac
    [[ $seconds =~ ^[0-9]+$ ]] || usage

    # Input files given to replay (e.g. a crash file) are made absolute before the cd below.
    extra=()
    replay=false
    for arg in "$@"; do
        if [[ -f $arg ]]; then
            extra+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")")
            replay=true
        else
            extra+=("$arg")
        fi
    done

    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    scratch=$root/.build-fuzz
    cd "$root"

    if [[ $target == json && ! -f Sources/LeadDeckStore/StrictJSON.swift ]]; then
        echo "fuzz.sh: Sources/LeadDeckStore/StrictJSON.swift does not exist (yet): no strict JSON parser to fuzz." >&2
        exit 2
    fi

    build_failed() { echo "fuzz.sh: build failed ($1)" >&2; exit 3; }

    # 1. LeadDeckCore and its dependencies, instrumented. SwiftPM fetches swift-collections into .build-fuzz itself.
    echo "== building LeadDeckCore and dependencies (SwiftPM, .build-fuzz)" >&2
    spm=(--scratch-path "$scratch" -c release --sanitize fuzzer --sanitize address)
    swift package --scratch-path "$scratch" resolve >&2 || build_failed "swift package resolve"
    nice -n 10 swift build "${spm[@]}" -j 1 --target LeadDeckCore >&2 || build_failed "swift build --target LeadDeckCore"
    bin=$(swift build "${spm[@]}" --show-bin-path)

    # Object files of a SwiftPM target, from the target's list of sources (so stale objects are never linked).
    objs=()
    for module in LeadDeckCore HeapModule InternalCollectionsUtilities; do
        [[ -f $bin/$module.build/sources ]] || build_failed "no $bin/$module.build/sources: did swift-collections change its modules?"
        while IFS= read -r src; do
            src=${src#\'}
            src=${src%\'}
            if [[ $src == *.swift ]]; then objs+=("$bin/$module.build/$(basename "$src").o"); fi
        done <"$bin/$module.build/sources"
    done

    # 2. The fuzz executable: LeadDeckStore's sources + the entry point, instrumented, linked with libFuzzer.
    exe=$scratch/fuzz-$target
    inputs=(Sources/LeadDeckStore/*.swift Fuzz/Support.swift "Fuzz/$target.swift")
    stamp=$exe.inputs
    if [[ ! -x $exe || ! -f $stamp || $(cat "$stamp") != "${inputs[*]}" ||
        -n $(find "${inputs[@]}" "${objs[@]}" -newer "$exe" -print -quit) ]]; then
        echo "== compiling fuzz-$target (swiftc -sanitize=fuzzer,address)" >&2
        rm -f "$stamp"
        swiftc_log=$scratch/logs/swiftc-$target.log
        mkdir -p "$scratch/logs"
        for attempt in 1 2 3; do
            if nice -n 10 swiftc -O -wmo -j 1 -num-threads 1 -sanitize=fuzzer,address -parse-as-library \
                -module-name LeadDeckStore -I "$bin/Modules" "${inputs[@]}" "${objs[@]}" -o "$exe" >"$swiftc_log" 2>&1; then
                break
            fi
            # Someone saving a source file mid-build is worth another try; anything else is a real failure.
            if [[ $attempt -eq 3 ]] || ! grep -q 'was modified during the build' "$swiftc_log"; then
                grep -v 'Cannot export local symbol' "$swiftc_log" >&2 || true
                build_failed "swiftc for Fuzz/$target.swift"
            fi
            echo "== a source file changed during the build; compiling again" >&2
            sleep 5
        done
        echo "${inputs[*]}" >"$stamp"
    fi

    # 3. A libFuzzer dictionary of the tokens each format is made of (libFuzzer splices them into inputs).
    # Entries are in dictionary syntax: \" is a quote, \\ a backslash, \xNN a byte.
    mkdir -p "$scratch/corpus/$target" "$scratch/crashes" "$scratch/logs" "$scratch/dict"
    dict=$scratch/dict/$target.dict
    case $target in
    offers)
        max_len=2048
        words=(lead_id source_id sub_id vertical state postal_code zip city sale_type max_sells price price_cents
            received_at first_name last_name phone email lead_mode test shared exclusive auto home life health
            medicare mortgage solar home_services legal x.y 2027-01-15T08:00:00Z -05:00 .5 '$' 18.50 '\\u001b')
        ;;
    outcomes)
        max_len=4096
        words=(lead_id outcome disposition status revenue reason refund time contacted reached converted sold sale
            returned return 2027-01-15T08:00:00Z '\"' , '\x0d\x0a' '\x0a' '{' '}')
        ;;
    logline)
        max_len=2048
        words=('{\"seq\":' ',\"crc\":\"' xxxxxxxx '\",\"e\":' '\"type\":' offer outcome policy note decision tier
            text actor change block unblock priority sourceMode globalMode dailyBudget source subID from to inherit
            kind lead bought_at mode cents currency USD lead_id reason refund revenue time shared exclusive blocked
            filtered closed duplicate cap budget 9223372036854775807 -9223372036854775808 '\\u0000')
        ;;
    json)
        max_len=4096
        words=(true false null '\\u0000' '\\ud800' '\\udc00' '\\\"' '\\\\' 1e400 -0 0.5e-3 1E+2 '{\"a\":' '['
            ']' '{' '}' ':' ',' '\x09' '\xef\xbb\xbf')
        ;;
    esac
    printf '"%s"\n' "${words[@]}" >"$dict"

    # 4. Fuzz. The scratch corpus comes first: libFuzzer writes new inputs only to the first directory.
    # When input files were given, libFuzzer runs just those (a replay) and no corpus is read.
    corpora=("$scratch/corpus/$target" "$root/Tests/Corpus/$target")
    if $replay; then corpora=(); fi
    log=$scratch/logs/$target-$(date +%Y%m%d-%H%M%S).log
    echo "== fuzzing $target for ${seconds}s; log: ${log#"$root"/}" >&2
    # Swift's own crash backtracer gets in the way of ASan and libFuzzer (which print the stack themselves).
    export SWIFT_BACKTRACE=enable=no
    set +e
    nice -n 10 "$exe" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1 \
        -dict="$dict" -artifact_prefix="$scratch/crashes/$target-" ${extra[@]+"${extra[@]}"} \
        ${corpora[@]+"${corpora[@]}"} 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [[ -n $runs ]] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    echo
    echo "== fuzz.sh $target: ${runs:-0} runs${rate:+ ($rate/s)}"
    artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    if [[ -z $artifact ]] && $replay; then
        for arg in "${extra[@]}"; do if [[ -f $arg ]]; then artifact=$arg; fi; done
    fi
    if [[ $status -eq 0 ]]; then
        echo "== no crash"
        exit 0
    fi
    echo "== CRASH (libFuzzer exit status $status)"
    if grep -q 'INVARIANT FAILED' "$log"; then
        awk '/INVARIANT FAILED/ { p = 1 } /^input \(hex\):/ { if (p) exit } p' "$log"
    else
        grep -m1 -E 'Fatal error|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)' "$log" || true
        grep -m1 '^SUMMARY' "$log" || true
    fi
    if [[ -n $artifact && -f $artifact ]]; then
        echo "input: ${artifact#"$root"/}"
        echo "input (hex): $(od -An -v -tx1 "$artifact" | tr -d ' \n')"
        echo "replay: scripts/fuzz.sh $target 0 ${artifact#"$root"/}"
    fi
    exit 1
}

main "$@"
