'use strict'
// A plain `http` server guarded by the mirrorguard middleware.
//
//   node examples/node/server.js            # listens on 127.0.0.1:8080 (PORT to change)
//   curl 'http://127.0.0.1:8080/?id=1%27%20OR%201%3D1--'
//
// Each response is sent as usual; attacks are logged as JSON lines on stderr.
const http = require('node:http')
const { guard } = require('./middleware')

function app (req, res) {
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ ok: true, method: req.method, url: req.url, bytes: Buffer.concat(chunks).length }))
  })
}

const port = Number(process.env.PORT || 8080)
http.createServer(guard(app)).listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${port}`)
})
