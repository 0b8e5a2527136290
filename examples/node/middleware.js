'use strict'
// mirrorguard as HTTP middleware for Node: `(req, res, next)`, so it works
// with Express (`app.use(mirrorguard())`), Connect, and plain `http` through
// `guard(handler)`. The request is passed on at once; it is analyzed on the
// libuv thread pool (`analyzeAsync`) after the response has finished, and
// attacks are logged. It never blocks, delays or changes a response: like a
// mirror, it watches.
//
// In an application: require('mirrorguard'). Here, the module in this repo.
const { Engine } = require('../../bindings/node')

// The body bytes kept per request: the engine's default limit, plus one so
// that a longer body is flagged (`limits.body_truncated`).
const DEFAULT_MAX_BODY = 1024 * 1024 + 1

/**
 * Returns a middleware `(req, res, next)`.
 *
 * options.engine    an Engine (default: `new Engine(options.config)`)
 * options.config    a config object or TOML/JSON text for the default engine
 * options.onAttack  `(verdict, record) => void` for each attack; default: one
 *                   JSON line on stderr
 * options.onVerdict `(verdict, record) => void` for every verdict (optional)
 * options.onError   `(err, record) => void` when an analysis fails (only
 *                   wrong input types can; default: stderr)
 * options.maxBody   body bytes kept for analysis
 *
 * The body is the bytes the application reads: the middleware sees each
 * chunk as the request stream hands it to its reader (body parser, `pipe`,
 * `on('data')`, `read()`), so it never consumes the stream itself. A body
 * the application never reads is not analyzed.
 */
function mirrorguard (options = {}) {
  const engine = options.engine || new Engine(options.config)
  const onAttack = options.onAttack || logAttack
  const onVerdict = options.onVerdict
  const onError = options.onError || logError
  const maxBody = options.maxBody ?? DEFAULT_MAX_BODY

  return function mirrorguardMiddleware (req, res, next) {
    const client = req.socket?.remoteAddress // gone once the socket closes
    const chunks = []
    let kept = 0
    const emit = req.emit
    req.emit = function (event, chunk, ...rest) {
      if (event === 'data' && kept < maxBody && chunk != null) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        const part = buf.length > maxBody - kept ? buf.subarray(0, maxBody - kept) : buf
        chunks.push(part)
        kept += part.length
      }
      return emit.call(this, event, chunk, ...rest)
    }

    res.once('finish', () => {
      req.emit = emit
      const request = {
        method: req.method,
        uri: req.originalUrl || req.url,
        version: `HTTP/${req.httpVersion}`,
        headers: req.rawHeaders,
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
        client,
        requestId: req.headers['x-request-id']
      }
      const record = { method: request.method, uri: request.uri, client: request.client, requestId: request.requestId, status: res.statusCode }
      let pending
      try {
        pending = engine.analyzeAsync(request)
      } catch (err) {
        onError(err, record)
        return
      }
      pending.then(verdict => {
        if (onVerdict) onVerdict(verdict, record)
        if (verdict.attack) onAttack(verdict, record)
      }, err => onError(err, record))
    })
    next()
  }
}

/** A plain `http` handler wrapped with the middleware. */
function guard (handler, options) {
  const middleware = mirrorguard(options)
  return (req, res) => middleware(req, res, () => handler(req, res))
}

function logAttack (verdict, record) {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), event: 'attack', ...record, verdict }) + '\n')
}

function logError (err, record) {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), event: 'error', ...record, error: String(err && err.message) }) + '\n')
}

module.exports = { mirrorguard, guard }
