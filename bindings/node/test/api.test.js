'use strict'
// The module's API: shapes, input forms, configuration, errors.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const mg = require('..')
const { Engine } = mg

const SQLI_JSON = {
  method: 'POST',
  uri: '/login?next=%2F',
  headers: { 'content-type': 'application/json' },
  body: '{"user":"admin\' OR 1=1--"}'
}

test('a benign request: the plain verdict object of DESIGN.md', () => {
  const v = new Engine().analyze({ method: 'GET', uri: '/catalog/search?q=running+shoes&size=42' })
  assert.deepEqual(v, {
    attack: false,
    score: 0,
    findings: [],
    limits: { body_truncated: false, depth_limited: false, inputs_truncated: false }
  })
  assert.equal(Object.getPrototypeOf(v), Object.prototype)
  assert.equal(v.isAttack, false)
})

test('an attack: finding with class, rule, score, location, evidence', () => {
  const v = new Engine().analyze(SQLI_JSON)
  assert.equal(v.attack, true)
  assert.equal(v.isAttack, true)
  assert.equal(v.score, 10)
  assert.deepEqual(v.findings[0], {
    class: 'sqli',
    rule: 'sqli.tautology',
    score: 10,
    location: { part: 'json', name: '/user', decoders: [] },
    evidence: "admin' OR 1=1--"
  })
})

test('isAttack is a non-enumerable convenience: not in JSON, keys or deep equality', () => {
  const v = mg.analyze(SQLI_JSON)
  assert.deepEqual(Object.keys(v), ['attack', 'score', 'findings', 'limits'])
  assert.equal(Object.getOwnPropertyDescriptor(v, 'isAttack').enumerable, false)
  assert.ok(!JSON.stringify(v).includes('isAttack'))
})

test('the object is JSON.parse of analyzeJson, and JSON.stringify gives the same text', () => {
  const engine = new Engine()
  for (const req of [SQLI_JSON, { uri: '/' }, { uri: '/?q=%3Cscript%3Ealert(1)%3C/script%3E' }]) {
    const text = engine.analyzeJson(req)
    assert.deepEqual(engine.analyze(req), JSON.parse(text))
    assert.equal(JSON.stringify(engine.analyze(req)), text)
  }
})

test('body as string, Buffer or Uint8Array gives the same verdict', () => {
  const engine = new Engine()
  const want = engine.analyze(SQLI_JSON)
  const bytes = Buffer.from(SQLI_JSON.body)
  assert.deepEqual(engine.analyze({ ...SQLI_JSON, body: bytes }), want)
  assert.deepEqual(engine.analyze({ ...SQLI_JSON, body: new Uint8Array(bytes) }), want)
  // A view into a larger buffer reads only its own bytes.
  const big = Buffer.concat([Buffer.from('xxxx'), bytes, Buffer.from('yyyy')])
  assert.deepEqual(engine.analyze({ ...SQLI_JSON, body: new Uint8Array(big.buffer, big.byteOffset + 4, bytes.length) }), want)
  // method and uri take bytes too
  assert.deepEqual(engine.analyze({ ...SQLI_JSON, method: Buffer.from('POST'), uri: Buffer.from(SQLI_JSON.uri) }), want)
})

test('headers as an object, [name, value] pairs or a flat rawHeaders array', () => {
  const engine = new Engine()
  const uri = '/'
  const pairs = [['Host', 'a.example'], ['User-Agent', 'sqlmap/1.7.2#stable (https://sqlmap.org)'], ['Cookie', 'a=1']]
  const want = engine.analyze({ uri, headers: pairs })
  assert.equal(want.attack, true)
  assert.equal(want.findings[0].class, 'scanner')
  assert.deepEqual(engine.analyze({ uri, headers: pairs.flat() }), want)
  assert.deepEqual(engine.analyze({ uri, headers: Object.fromEntries(pairs) }), want)
  assert.deepEqual(engine.analyze({ uri, headers: pairs.map(([n, v]) => [Buffer.from(n), Buffer.from(v)]) }), want)
})

test('an object header whose value is an array is one header per value', () => {
  const engine = new Engine()
  const attack = "1' OR 1=1--"
  const viaArray = engine.analyze({ uri: '/', headers: { cookie: ['a=1', `id=${attack}`] } })
  const viaPairs = engine.analyze({ uri: '/', headers: [['cookie', 'a=1'], ['cookie', `id=${attack}`]] })
  assert.deepEqual(viaArray, viaPairs)
  assert.equal(viaArray.attack, true)
  assert.equal(viaArray.findings[0].location.part, 'cookie')
})

test('client, requestId and version are accepted', () => {
  const v = new Engine().analyze({ uri: '/', version: 'HTTP/1.0', client: '203.0.113.9', requestId: 'abc-123' })
  assert.equal(v.attack, false)
})

test('module-level analyze uses the default engine', async () => {
  const engine = new Engine()
  for (const req of [SQLI_JSON, { uri: '/' }]) {
    assert.deepEqual(mg.analyze(req), engine.analyze(req))
    assert.deepEqual(await mg.analyzeAsync(req), engine.analyze(req))
  }
})

test('analyzeRaw parses HTTP/1.x bytes, chunked included', async () => {
  const raw = 'POST /login?next=%2F HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n' +
    'Transfer-Encoding: chunked\r\n\r\n' +
    '10\r\n{"user":"admin\' \r\n0a\r\nOR 1=1--"}\r\n0\r\n\r\n'
  const engine = new Engine()
  const v = engine.analyzeRaw(Buffer.from(raw))
  assert.equal(v.attack, true)
  assert.equal(v.findings[0].location.name, '/user')
  assert.deepEqual(engine.analyzeRaw(raw), v)
  assert.deepEqual(mg.analyzeRaw(new Uint8Array(Buffer.from(raw))), v)
  assert.deepEqual(await engine.analyzeRawAsync(raw), v)
})

test('malformed raw HTTP throws (sync) or rejects (async) an Error', async () => {
  const engine = new Engine()
  assert.throws(() => engine.analyzeRaw('GARBAGE'), err =>
    err instanceof Error && !(err instanceof TypeError) && err.code === 'ERR_MIRRORGUARD_HTTP' &&
    /malformed HTTP request/.test(err.message))
  await assert.rejects(engine.analyzeRawAsync(Buffer.from('GET / HTTP/1.1\r\nHost a\r\n\r\n')),
    err => err instanceof Error && err.code === 'ERR_MIRRORGUARD_HTTP')
})

test('config as an object, TOML or JSON text', () => {
  const req = { uri: '/?id=1%27%20OR%201%3D1--&q=%3Cscript%3Ealert(1)%3C/script%3E' }
  const all = new Engine().analyze(req)
  assert.deepEqual(new Set(all.findings.map(f => f.class)), new Set(['sqli', 'xss']))
  for (const config of [{ classes: ['xss'] }, 'classes = ["xss"]', '{"classes": ["xss"]}']) {
    const v = new Engine(config).analyze(req)
    assert.ok(v.attack)
    assert.deepEqual([...new Set(v.findings.map(f => f.class))], ['xss'], JSON.stringify(config))
  }
  assert.equal(new Engine({ threshold: 11 }).analyze(req).attack, false)
  assert.equal(new Engine(null).analyze(req).attack, true)
  const excluded = new Engine({ exclusions: [{ part: 'query', name: 'q', class: 'xss' }] }).analyze(req)
  assert.deepEqual([...new Set(excluded.findings.map(f => f.class))], ['sqli'])
})

test('engine.config reads back every field', () => {
  const c = new Engine({ sensitivity: 'high', limits: { max_inputs: 100 } }).config
  assert.equal(c.sensitivity, 'high')
  assert.equal(c.threshold, 5)
  assert.equal(c.limits.max_inputs, 100)
  assert.equal(c.limits.max_body_bytes, 1048576)
  assert.deepEqual(c.classes, [])
})

test('a bad config throws an Error naming the field', () => {
  const cases = [
    [{ threshold: -1 }, 'threshold'],
    [{ sensitivity: 'extreme' }, 'sensitivity'],
    [{ limits: { max_inputs: 'x' } }, 'max_inputs'],
    [{ nope: 1 }, 'nope'],
    [{ classes: ['sqlx'] }, 'classes'],
    ['threshold = 0', 'threshold'],
    ['[limits]\nmax_decode_depth = "deep"', 'limits.max_decode_depth'],
    ['{"threshold": "high"}', 'threshold']
  ]
  for (const [config, field] of cases) {
    assert.throws(() => new Engine(config), err => {
      assert.ok(err instanceof Error)
      assert.ok(!(err instanceof TypeError), 'a bad value is not a type error of the argument')
      assert.equal(err.code, 'ERR_MIRRORGUARD_CONFIG')
      assert.ok(err.message.includes(field), `${err.message} names ${field}`)
      assert.ok(err.field.includes(field), `${err.field} names ${field}`)
      return true
    }, JSON.stringify(config))
  }
})

test('a config of the wrong type throws a TypeError', () => {
  for (const config of [5, true, ['classes'], () => {}]) {
    assert.throws(() => new Engine(config), TypeError, String(config))
  }
})

test('wrong request types throw a TypeError naming the field', async () => {
  const engine = new Engine()
  const cases = [
    [undefined, /request must be an object/],
    [null, /request must be an object/],
    ['GET /', /request must be an object/],
    [[], /request must be an object/],
    [Buffer.from('GET / HTTP/1.1\r\n\r\n'), /request must be an object/],
    [{}, /request.uri is required/],
    [{ url: '/' }, /request.uri is required/],
    [{ uri: 5 }, /request.uri must be/],
    [{ uri: '/', method: {} }, /request.method must be/],
    [{ uri: '/', body: 42 }, /request.body must be/],
    [{ uri: '/', body: new Int16Array(4) }, /request.body must be/],
    [{ uri: '/', body: new DataView(new ArrayBuffer(4)) }, /request.body must be/],
    [{ uri: '/', body: new Uint8ClampedArray(4) }, /request.body must be/],
    [{ uri: '/', body: [1, 2] }, /request.body must be/],
    [{ uri: '/', client: 1 }, /request.client must be/],
    [{ uri: '/', requestId: false }, /request.requestId must be/],
    [{ uri: '/', headers: 'host: a' }, /request.headers must be/],
    [{ uri: '/', headers: ['host'] }, /request.headers must be/],
    [{ uri: '/', headers: [['host']] }, /request.headers\[0\] must be a \[name, value\] pair/],
    [{ uri: '/', headers: { host: 1 } }, /header value must be/],
    [{ uri: '/', headers: [[1, 'a']] }, /header name must be/]
  ]
  for (const [req, message] of cases) {
    for (const call of [r => engine.analyze(r), r => engine.analyzeJson(r), r => mg.analyze(r), r => engine.analyzeAsync(r), r => mg.analyzeAsync(r)]) {
      // Async calls throw synchronously too: the request is read before the task is queued.
      assert.throws(() => call(req), err => err instanceof TypeError && message.test(err.message) && err.code === 'ERR_INVALID_ARG_TYPE', `${call} ${String(req)}`)
    }
  }
  for (const raw of [undefined, 5, {}, new Float64Array(2)]) {
    assert.throws(() => engine.analyzeRaw(raw), TypeError)
    assert.throws(() => engine.analyzeRawAsync(raw), TypeError)
    assert.throws(() => mg.analyzeRaw(raw), TypeError)
  }
})

test('hostile bytes are data, never errors', () => {
  const engine = new Engine()
  const junk = Buffer.from([0, 0xff, 0xfe, 0x80, 0x0d, 0x0a, 0x25, 0x25, 0x7b])
  const v = engine.analyze({ method: junk, uri: junk, version: junk, headers: [[junk, junk]], body: junk })
  assert.equal(typeof v.attack, 'boolean')
  assert.doesNotThrow(() => engine.analyze({ uri: '/\ud800', headers: { '\u0000x': '\udfff' } }))
})

test('ESM entry exports the same functions', async () => {
  const esm = await import('../index.mjs')
  assert.equal(esm.Engine, Engine)
  assert.equal(esm.analyze, mg.analyze)
  assert.equal(esm.analyzeAsync, mg.analyzeAsync)
  assert.equal(esm.analyzeRaw, mg.analyzeRaw)
  const self = await import('mirrorguard')
  assert.equal(self.Engine, Engine)
})

test('empty bodies and values in every byte form', async () => {
  const engine = new Engine()
  const want = engine.analyze({ uri: '/' })
  for (const empty of ['', Buffer.alloc(0), new Uint8Array(0), Buffer.concat([]), new Uint8Array(new ArrayBuffer(8), 8, 0)]) {
    assert.deepEqual(engine.analyze({ uri: '/', body: empty, headers: [['x-empty', empty]] }), want)
    assert.deepEqual(await engine.analyzeAsync({ uri: '/', body: empty }), want)
  }
  assert.throws(() => engine.analyzeRaw(Buffer.alloc(0)), err => err.code === 'ERR_MIRRORGUARD_HTTP')
})

test('exceptions thrown while reading the arguments propagate unchanged', () => {
  const engine = new Engine()
  assert.throws(() => engine.analyze({ get uri () { throw new RangeError('boom') } }), { name: 'RangeError', message: 'boom' })
  assert.throws(() => engine.analyzeAsync({ uri: '/', headers: { get host () { throw new Error('header getter') } } }), { message: 'header getter' })
  assert.throws(() => engine.analyze(new Proxy({}, { get () { throw new Error('proxy') } })), { message: 'proxy' })
  const circular = {}
  circular.self = circular
  assert.throws(() => new Engine(circular), TypeError)
  assert.throws(() => new Engine({ threshold: 1n }), TypeError)
})
