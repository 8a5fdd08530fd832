package kps

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Request and answer bodies carry secrets: server.auth.key (the password or
// private key KPS logs in to a server with) in the calls that start tasks,
// and private keys both ways in the key-pair calls. They are masked here,
// in the one place bodies are logged, by field, so that no caller has to
// remember them; and their values join the exchange's masks, so that an
// answer or error that echoes one shows "***" instead. A body that cannot
// be parsed (cut off, say) is masked by the shape of a PEM private key.

// secretBodyFields are the paths of the body fields that hold a secret:
// the key a start logs in with; the private key a create or import sends,
// a create or export answers, and an import echoes.
var secretBodyFields = [][]string{
	{"server", "auth", "key"},
	{"keypair", "key_protection", "private_key"},
	{"keypair", "private_key"},
	{"key_protection", "private_key"},
}

// privateKeyPattern matches a PEM private key, whole or cut off, with its
// line breaks as they are or escaped in JSON: what masks a key in a body
// that is not JSON enough to find it by field.
var privateKeyPattern = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`)

// secretsInBody returns the secret values a JSON body holds, and remembers
// their long lines for the rest of the process.
func secretsInBody(body []byte) []string {
	if len(body) == 0 {
		return nil
	}
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var found []string
	for _, field := range secretBodyFields {
		if v, ok := lookup(doc, field).(string); ok && v != "" {
			found = append(found, v)
			rememberSecretLines(v)
			// A PEM key has line breaks: echoed inside a JSON answer, it
			// reads with them escaped.
			if quoted, _ := json.Marshal(v); string(quoted[1:len(quoted)-1]) != v {
				found = append(found, string(quoted[1:len(quoted)-1]))
			}
		}
	}
	return found
}

// maskedBody is body as it may be logged: each secret field's value replaced
// by "***". A body that is not a JSON object is not shown at all, since it
// cannot be told what it holds.
func maskedBody(body []byte) string {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return "(not a JSON object; not shown)"
	}
	for _, field := range secretBodyFields {
		parent, ok := lookup(doc, field[:len(field)-1]).(map[string]any)
		if _, has := parent[field[len(field)-1]]; ok && has {
			parent[field[len(field)-1]] = "***"
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return "(not shown)"
	}
	return string(out)
}

// lookup follows path through nested JSON objects; nil where it leads nowhere.
func lookup(doc map[string]any, path []string) any {
	var v any = doc
	for _, name := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[name]
	}
	return v
}

// logRequestBody logs at TRACE the body a request is sent with, its secrets
// masked. The context's masks (withLogging) hide them a second time, should
// one also appear elsewhere in the body.
func logRequestBody(ctx context.Context, req *http.Request, body []byte) {
	if body == nil {
		return
	}
	tflog.SubsystemTrace(ctx, LogSubsystem, "KPS request body", map[string]any{
		"method": req.Method, "url": req.URL.String(), "body": maskedBody(body),
	})
}
