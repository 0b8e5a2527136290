// Command coraza-peer evaluates labelled corpus requests (JSONL, the format of
// ../shared/corpus) with Coraza and the OWASP CRS 4 in blocking mode, in
// process, and prints per file and class how many requests were flagged
// (interrupted), plus the process CPU time per request.
//
//	coraza-peer -pl 1 [-repeat N] FILE.jsonl...
//
// -repeat N evaluates each file N times (for speed runs on small files of
// one repeated request); counts are from the first pass only.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
)

type record struct {
	ID          string      `json:"id"`
	Label       string      `json:"label"`
	Class       string      `json:"class"`
	Method      string      `json:"method"`
	URI         string      `json:"uri"`
	HTTPVersion string      `json:"http_version"`
	Headers     [][2]string `json:"headers"`
	Body        string      `json:"body"`
	BodyB64     string      `json:"body_b64"`
}

type counts struct {
	Label   string `json:"label"`
	Total   int    `json:"total"`
	Flagged int    `json:"flagged"`
}

type fileReport struct {
	Path       string             `json:"path"`
	Requests   int                `json:"requests"`
	CPUSeconds float64            `json:"cpu_seconds"`
	Evaluated  int                `json:"evaluated"`
	Classes    map[string]*counts `json:"classes"`
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func newWAF(pl int) (coraza.WAF, error) {
	directives := strings.Join([]string{
		"Include @coraza.conf-recommended",
		"SecRuleEngine On",
		"SecAuditEngine Off",
		"SecResponseBodyAccess Off",
		"Include @crs-setup.conf.example",
		`SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=` + strconv.Itoa(pl) + `"`,
		"Include @owasp_crs/*.conf",
	}, "\n")
	return coraza.NewWAF(coraza.NewWAFConfig().WithRootFS(coreruleset.FS).WithDirectives(directives))
}

// evaluate runs one request through the WAF and reports whether it was
// interrupted (blocked).
func evaluate(waf coraza.WAF, r *record, body []byte) bool {
	tx := waf.NewTransaction()
	defer func() {
		tx.ProcessLogging()
		_ = tx.Close()
	}()
	tx.ProcessConnection("127.0.0.1", 40000, "127.0.0.1", 80)
	proto := "HTTP/1.1"
	if r.HTTPVersion != "" {
		proto = r.HTTPVersion
		if !strings.HasPrefix(proto, "HTTP/") {
			proto = "HTTP/" + proto
		}
	}
	tx.ProcessURI(r.URI, r.Method, proto)
	hasLength := false
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], "content-length") {
			hasLength = true
		}
		if strings.EqualFold(h[0], "host") {
			tx.SetServerName(h[1])
		}
		tx.AddRequestHeader(h[0], h[1])
	}
	if !hasLength && len(body) > 0 {
		tx.AddRequestHeader("Content-Length", strconv.Itoa(len(body)))
	}
	if it := tx.ProcessRequestHeaders(); it != nil {
		return true
	}
	if len(body) > 0 {
		if it, _, err := tx.WriteRequestBody(body); it != nil || err != nil {
			return it != nil
		}
	}
	it, err := tx.ProcessRequestBody()
	return it != nil && err == nil
}

func runFile(waf coraza.WAF, path string, repeat int) (*fileReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	bodies := make([][]byte, len(recs))
	for i := range recs {
		if recs[i].BodyB64 != "" {
			b, err := base64.StdEncoding.DecodeString(recs[i].BodyB64)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: body_b64: %w", path, recs[i].ID, err)
			}
			bodies[i] = b
		} else {
			bodies[i] = []byte(recs[i].Body)
		}
	}
	rep := &fileReport{Path: path, Requests: len(recs), Classes: map[string]*counts{}}
	start := cpuSeconds()
	for pass := 0; pass < repeat; pass++ {
		for i := range recs {
			flagged := evaluate(waf, &recs[i], bodies[i])
			rep.Evaluated++
			if pass > 0 {
				continue
			}
			c := rep.Classes[recs[i].Class]
			if c == nil {
				c = &counts{Label: recs[i].Label}
				rep.Classes[recs[i].Class] = c
			}
			c.Total++
			if flagged {
				c.Flagged++
			}
		}
	}
	rep.CPUSeconds = cpuSeconds() - start
	return rep, nil
}

func main() {
	pl := flag.Int("pl", 1, "CRS blocking paranoia level")
	repeat := flag.Int("repeat", 1, "evaluate each file this many times")
	flag.Parse()
	if flag.NArg() == 0 || *repeat < 1 {
		fmt.Fprintln(os.Stderr, "usage: coraza-peer -pl N [-repeat N] FILE.jsonl...")
		os.Exit(2)
	}
	t0 := time.Now()
	waf, err := newWAF(*pl)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coraza-peer:", err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "coraza-peer: CRS loaded at PL%d in %s\n", *pl, time.Since(t0).Round(time.Millisecond))
	var reports []*fileReport
	for _, p := range flag.Args() {
		r, err := runFile(waf, p, *repeat)
		if err != nil {
			fmt.Fprintln(os.Stderr, "coraza-peer:", err)
			os.Exit(2)
		}
		reports = append(reports, r)
	}
	out, _ := json.Marshal(map[string]any{"engine": "coraza", "paranoia": *pl, "files": reports})
	fmt.Println(string(out))
}
