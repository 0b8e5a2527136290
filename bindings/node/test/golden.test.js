'use strict'
// The golden vectors shared by the Rust core, the C ABI and the Python and
// Node modules: every request of core/testdata/golden/requests.jsonl must
// give, byte for byte, the verdict JSON on the same line of verdicts.jsonl.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Engine } = require('..')

const DIR = path.join(__dirname, '..', '..', '..', 'core', 'testdata', 'golden')
const lines = file => fs.readFileSync(path.join(DIR, file), 'utf8').split('\n').filter(Boolean)

/** A corpus record as an analyze() request. */
function toRequest (rec) {
  return {
    method: rec.method,
    uri: rec.uri,
    version: rec.http_version,
    headers: rec.headers || [],
    body: rec.body_b64 != null ? Buffer.from(rec.body_b64, 'base64') : rec.body
  }
}

/** The verdict JSON text of a verdicts.jsonl line, exactly as written. */
function verdictText (line, id) {
  const prefix = `{"id":${JSON.stringify(id)},"verdict":`
  assert.ok(line.startsWith(prefix) && line.endsWith('}'), line)
  return line.slice(prefix.length, -1)
}

const requests = lines('requests.jsonl').map(l => JSON.parse(l))
const verdicts = lines('verdicts.jsonl')

test('golden files line up', () => {
  assert.ok(requests.length >= 50)
  assert.equal(requests.length, verdicts.length)
})

test('golden verdicts: analyze, analyzeJson and analyzeAsync give the Rust JSON byte for byte', async () => {
  const engine = new Engine()
  let attacks = 0
  for (const [i, rec] of requests.entries()) {
    const want = verdictText(verdicts[i], rec.id)
    const req = toRequest(rec)
    const v = engine.analyze(req)
    assert.equal(JSON.stringify(v), want, rec.id)
    assert.deepEqual(v, JSON.parse(want), rec.id)
    assert.equal(engine.analyzeJson(req), want, rec.id)
    assert.equal(JSON.stringify(await engine.analyzeAsync(req)), want, rec.id)
    assert.equal(v.attack, rec.label === 'attack', rec.id)
    if (v.attack) attacks++
  }
  assert.ok(attacks > 0 && attacks < requests.length)
})

test('golden verdicts through analyzeRaw: the same request as HTTP/1.1 bytes', () => {
  const engine = new Engine()
  let checked = 0
  for (const [i, rec] of requests.entries()) {
    const req = toRequest(rec)
    const body = Buffer.from(req.body ?? '')
    // Only records that survive a round trip through the wire format: no
    // framing headers, no CR/LF or edge whitespace in a value, no body.
    const names = req.headers.map(([n]) => n.toLowerCase())
    if (names.includes('transfer-encoding') || names.includes('content-length')) continue
    if (/[\r\n]/.test(rec.uri + req.headers.flat().join(''))) continue
    if (req.headers.some(([, v]) => v !== v.trim())) continue // the parser trims header values
    if (body.length > 0) continue // a Content-Length header would change the verdict's input set
    const head = `${rec.method} ${rec.uri} ${rec.http_version || 'HTTP/1.1'}\r\n` +
      req.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n'
    assert.equal(JSON.stringify(engine.analyzeRaw(Buffer.from(head, 'utf8'))), verdictText(verdicts[i], rec.id), rec.id)
    checked++
  }
  assert.ok(checked >= 20, `${checked} records checked`)
})
