'use strict'
// analyze calls per second from Node, sync and async, on the request shapes
// of the Rust benchmark (benches/benches/analyze.rs).
//
//   npm run build && node bench.js            (release build: the figures)
//   SECONDS_PER_CASE=1 node bench.js          (shorter)
//
// Each case runs ROUNDS rounds of SECONDS_PER_CASE / ROUNDS; the table shows
// the median round and the best one (the least disturbed by other load on
// a shared machine).
//
// Async throughput keeps IN_FLIGHT calls queued on the libuv pool
// (UV_THREADPOOL_SIZE threads, 4 by default).
const { Engine } = require('.')

const SECONDS = Number(process.env.SECONDS_PER_CASE || 2)
const ROUNDS = Number(process.env.ROUNDS || 10)
const IN_FLIGHT = Number(process.env.IN_FLIGHT || 64)

const BROWSER_HEADERS = {
  Host: 'shop.example.com',
  'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'Accept-Language': 'en-US,en;q=0.9,fr;q=0.8',
  'Accept-Encoding': 'gzip, deflate, br',
  Referer: 'https://shop.example.com/catalog/shoes?page=2',
  Cookie: 'session=3f9a1c2b7d4e8f60a1b2c3d4e5f60718; _ga=GA1.2.1234567890.1700000000; theme=dark',
  Connection: 'keep-alive'
}

function jsonBody (size) {
  let s = '{"order":{"id":"ord_8f2k3j4h5g","customer":{"name":"Jane O\'Neil","email":"jane@example.com"},"items":['
  for (let i = 0; s.length < size - 120; i++) {
    if (i > 0) s += ','
    s += `{"sku":"SKU-${String(i).padStart(5, '0')}","qty":${i % 7 + 1},"price":${i * 3 + 10}.99,"note":"Gift wrap, please - thanks!"}`
  }
  return s + '],"currency":"EUR","comment":"Leave at the door; ring twice."}}'
}

const CASES = {
  'benign GET, 4 query args, 8 browser headers': {
    method: 'GET',
    uri: '/catalog/search?q=running+shoes&size=42&color=blue&sort=price_asc&page=3',
    headers: BROWSER_HEADERS
  },
  'benign JSON POST, 2 KB': {
    method: 'POST',
    uri: '/api/orders',
    headers: { ...BROWSER_HEADERS, 'Content-Type': 'application/json' },
    body: Buffer.from(jsonBody(2048))
  },
  'attack GET (sqli + xss in the query)': {
    method: 'GET',
    uri: '/catalog/item?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--&ref=%3Cscript%3Ealert(document.cookie)%3C/script%3E',
    headers: BROWSER_HEADERS
  }
}

// Each timer returns { rate: calls per wall-clock second, cpu: process CPU
// microseconds per call (every thread: the loop, the pool, GC) }. On a busy
// machine the CPU figure moves less than the rate.
const cpuMicros = since => { const d = process.cpuUsage(since); return d.user + d.system }

function timeSync (fn, seconds) {
  for (let i = 0; i < 200; i++) fn() // warm up
  let n = 0
  const cpu0 = process.cpuUsage()
  const start = process.hrtime.bigint()
  const end = start + BigInt(Math.round(seconds * 1e9))
  let now = start
  while (now < end) {
    for (let i = 0; i < 256; i++) fn()
    n += 256
    now = process.hrtime.bigint()
  }
  return { rate: n / (Number(now - start) / 1e9), cpu: cpuMicros(cpu0) / n }
}

async function timeAsync (fn, seconds) {
  await Promise.all(Array.from({ length: 200 }, fn)) // warm up
  let n = 0
  const cpu0 = process.cpuUsage()
  const start = process.hrtime.bigint()
  const end = start + BigInt(Math.round(seconds * 1e9))
  let last = start
  await new Promise((resolve, reject) => {
    let running = 0
    const launch = () => {
      while (running < IN_FLIGHT) {
        running++
        fn().then(() => {
          running--
          n++
          last = process.hrtime.bigint()
          if (last < end) launch()
          else if (running === 0) resolve()
        }, reject)
      }
    }
    launch()
  })
  return { rate: n / (Number(last - start) / 1e9), cpu: cpuMicros(cpu0) / n }
}

async function timeAsyncSerial (fn, seconds) {
  for (let i = 0; i < 50; i++) await fn()
  let n = 0
  const cpu0 = process.cpuUsage()
  const start = process.hrtime.bigint()
  const end = start + BigInt(Math.round(seconds * 1e9))
  let now = start
  while (now < end) {
    await fn()
    n++
    now = process.hrtime.bigint()
  }
  return { rate: n / (Number(now - start) / 1e9), cpu: cpuMicros(cpu0) / n }
}

async function rounds (timer, fn) {
  const runs = []
  for (let i = 0; i < ROUNDS; i++) runs.push(await timer(fn, SECONDS / ROUNDS))
  runs.sort((a, b) => a.rate - b.rate)
  return { median: runs[Math.floor(runs.length / 2)], best: runs[runs.length - 1] }
}

const num = r => Math.round(r).toLocaleString('en-US').padStart(7)
const fmt = ({ median, best }) =>
  `${num(median.rate)} ${num(best.rate)} calls/s   ${(1e6 / best.rate).toFixed(1).padStart(6)} µs/call   CPU ${best.cpu.toFixed(1).padStart(6)} µs/call`

async function main () {
  const engine = new Engine()
  console.log(`node ${process.version}, ${SECONDS} s per case in ${ROUNDS} rounds, async: ${IN_FLIGHT} in flight, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE || 4}`)
  console.log('                                     median    best           best round')
  for (const [name, req] of Object.entries(CASES)) {
    console.log(`\n${name}`)
    console.log(`  analyze (sync, object)            ${fmt(await rounds(timeSync, () => engine.analyze(req)))}`)
    console.log(`  JSON.parse(analyzeJson) (sync)    ${fmt(await rounds(timeSync, () => JSON.parse(engine.analyzeJson(req))))}`)
    console.log(`  analyzeJson (sync, text)          ${fmt(await rounds(timeSync, () => engine.analyzeJson(req)))}`)
    console.log(`  analyzeAsync (${IN_FLIGHT} in flight)        ${fmt(await rounds(timeAsync, () => engine.analyzeAsync(req)))}`)
    console.log(`  analyzeAsync (one at a time)      ${fmt(await rounds(timeAsyncSerial, () => engine.analyzeAsync(req)))}`)
  }
}

main().catch(err => { console.error(err); process.exit(1) })
