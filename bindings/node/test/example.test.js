'use strict'
// The example middleware (examples/node/middleware.js) in front of a real
// local http server: responses go out untouched, then every request is
// analyzed on the pool and attacks are reported.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { once } = require('node:events')
const { guard, mirrorguard } = require('../../../examples/node/middleware')

/** An app that reads its body three different ways, by path. */
async function app (req, res) {
  let body
  if (req.url.startsWith('/iter')) {
    const chunks = []
    for await (const c of req) chunks.push(c)
    body = Buffer.concat(chunks)
  } else {
    const chunks = []
    req.on('data', c => chunks.push(c))
    await once(req, 'end')
    body = Buffer.concat(chunks)
  }
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ url: req.url, bytes: body.length }))
}

function send (port, { method = 'GET', path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks)), at: process.hrtime.bigint() }))
    })
    req.on('error', reject)
    if (body !== undefined) {
      // Two writes: the body arrives in more than one chunk.
      const mid = Math.floor(body.length / 2)
      req.write(body.slice(0, mid))
      req.end(body.slice(mid))
    } else {
      req.end()
    }
  })
}

test('middleware on a real server: responses untouched, attacks logged after the response', async () => {
  const verdicts = []
  const attacks = []
  const errors = []
  let expected = 0
  let done
  const allSeen = new Promise(resolve => { done = resolve })
  const handler = guard(app, {
    onVerdict: (verdict, record) => {
      verdicts.push({ verdict, record, at: process.hrtime.bigint() })
      if (verdicts.length === expected) done()
    },
    onAttack: (verdict, record) => attacks.push({ verdict, record }),
    onError: err => errors.push(err)
  })
  const server = http.createServer(handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  try {
    const requests = [
      { path: '/catalog/search?q=running+shoes&size=42', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' } },
      { path: '/items?id=1%27%20OR%201%3D1--', headers: { 'x-request-id': 'req-sqli' } },
      { method: 'POST', path: '/api/comment', headers: { 'content-type': 'application/json' }, body: '{"text":"<script>alert(document.cookie)</script>"}' },
      { method: 'POST', path: '/iter/form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'host=example.com%3Bcat+%2Fetc%2Fpasswd' },
      { method: 'POST', path: '/api/order', headers: { 'content-type': 'application/json' }, body: '{"customer":{"name":"Jane O\'Neil"},"items":[{"sku":"A-1","qty":2}]}' }
    ]
    expected = requests.length
    const responses = await Promise.all(requests.map(r => send(port, r)))
    responses.forEach((res, i) => {
      assert.equal(res.status, 200)
      assert.equal(res.body.url, requests[i].path)
      assert.equal(res.body.bytes, Buffer.byteLength(requests[i].body ?? ''), 'the app read its whole body')
    })
    await Promise.race([allSeen, new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`saw ${verdicts.length} of ${expected} verdicts`)), 10000))])

    assert.deepEqual(errors, [])
    const byUri = Object.fromEntries(verdicts.map(v => [v.record.uri, v]))
    assert.equal(byUri['/catalog/search?q=running+shoes&size=42'].verdict.attack, false)
    assert.equal(byUri['/api/order'].verdict.attack, false)
    const classes = Object.fromEntries(attacks.map(a => [a.record.uri, a.verdict.findings.map(f => f.class)]))
    assert.deepEqual(Object.keys(classes).sort(), ['/api/comment', '/items?id=1%27%20OR%201%3D1--', '/iter/form'])
    assert.ok(classes['/items?id=1%27%20OR%201%3D1--'].includes('sqli'))
    assert.ok(classes['/api/comment'].includes('xss'))
    assert.ok(classes['/iter/form'].includes('rce'))
    // The body was seen by the analysis (json and form locations, read in chunks).
    const comment = attacks.find(a => a.record.uri === '/api/comment').verdict
    assert.equal(comment.findings.find(f => f.class === 'xss').location.part, 'json')
    const form = attacks.find(a => a.record.uri === '/iter/form').verdict
    assert.equal(form.findings.find(f => f.class === 'rce').location.part, 'form')
    // The record carries what a log needs.
    const sqli = attacks.find(a => a.record.uri.startsWith('/items')).record
    assert.equal(sqli.requestId, 'req-sqli')
    assert.equal(sqli.method, 'GET')
    assert.equal(sqli.status, 200)
    assert.match(sqli.client, /127\.0\.0\.1/)
  } finally {
    server.close()
  }
})

test('the default logger writes one JSON line per attack on stderr', async () => {
  const { Engine } = require('..')
  const lines = []
  const write = process.stderr.write
  process.stderr.write = (chunk, ...rest) => { lines.push(String(chunk)); return true }
  let finish
  const res = new (require('node:events').EventEmitter)()
  res.once = res.once.bind(res)
  res.statusCode = 403
  const req = new (require('node:stream').PassThrough)()
  Object.assign(req, { method: 'GET', url: '/?q=%3Cscript%3Ealert(1)%3C/script%3E', httpVersion: '1.1', rawHeaders: ['Host', 'a'], headers: { host: 'a' }, socket: { remoteAddress: '198.51.100.7' } })
  const seen = new Promise(resolve => { finish = resolve })
  const engine = new Engine()
  const analyze = engine.analyzeAsync.bind(engine)
  const middleware = mirrorguard({ engine: { analyzeAsync: r => analyze(r).then(v => { setImmediate(finish); return v }) } })
  try {
    middleware(req, res, () => res.emit('finish'))
    await seen
  } finally {
    process.stderr.write = write
  }
  assert.equal(lines.length, 1)
  const log = JSON.parse(lines[0])
  assert.equal(log.event, 'attack')
  assert.equal(log.uri, '/?q=%3Cscript%3Ealert(1)%3C/script%3E')
  assert.equal(log.client, '198.51.100.7')
  assert.equal(log.status, 403)
  assert.equal(log.verdict.findings[0].class, 'xss')
})
