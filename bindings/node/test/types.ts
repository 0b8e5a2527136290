// Compile-only check of index.d.ts (`tsc -p test`, run by
// scripts/test-node.sh): the documented uses type-check, misuses do not.
import { Engine, analyze, analyzeAsync, analyzeRaw } from 'mirrorguard'
import type { AnalyzeRequest, Config, Finding, Verdict } from 'mirrorguard'

const config: Config = {
  sensitivity: 'high',
  threshold: 5,
  limits: { max_body_bytes: 1 << 20, max_inputs: 1000 },
  classes: ['sqli', 'xss'],
  exclusions: [{ path_prefix: '/admin', part: 'form', name: 'html', class: 'xss' }]
}
const engine = new Engine(config)
const fromText = new Engine('sensitivity = "low"')
const defaults = new Engine()

const request: AnalyzeRequest = {
  method: 'POST',
  uri: '/login',
  headers: { 'content-type': 'application/json', cookie: ['a=1', 'b=2'] },
  body: new Uint8Array([123, 125]),
  client: '203.0.113.9',
  requestId: 'r-1'
}
const pairs: AnalyzeRequest = { uri: '/', headers: [['host', 'a'], ['x', new Uint8Array(1)]] }
const flat: AnalyzeRequest = { uri: '/', headers: ['host', 'a', 'accept', '*/*'] }

const v: Verdict = engine.analyze(request)
const attack: boolean = v.attack && v.isAttack
const score: number = v.score
const first: Finding | undefined = v.findings[0]
const part: string | undefined = first?.location.part
const decoders: string[] | undefined = first?.location.decoders
const truncated: boolean = v.limits.body_truncated
const text: string = engine.analyzeJson(pairs)
const raw: Verdict = engine.analyzeRaw('GET / HTTP/1.1\r\n\r\n')
const p1: Promise<Verdict> = engine.analyzeAsync(flat)
const p2: Promise<Verdict> = engine.analyzeRawAsync(new Uint8Array(0))
const m1: Verdict = analyze(request)
const m2: Promise<Verdict> = analyzeAsync(request)
const m3: Verdict = analyzeRaw('GET / HTTP/1.1\r\n\r\n')
const threshold: number | undefined = engine.config.threshold

// @ts-expect-error uri is required
analyze({ method: 'GET' })
// @ts-expect-error a number is no body
analyze({ uri: '/', body: 5 })
// @ts-expect-error unknown sensitivity
new Engine({ sensitivity: 'extreme' })
// @ts-expect-error a config is an object or text
new Engine(5)

export { attack, score, part, decoders, truncated, text, raw, p1, p2, m1, m2, m3, threshold, fromText, defaults }
