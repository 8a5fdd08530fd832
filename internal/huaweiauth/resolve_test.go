package huaweiauth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolvePrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.json")
	if err := os.WriteFile(file, []byte(`{"current":"p","profiles":[{"name":"p","mode":"AKSK","accessKeyId":"PAK",
"secretAccessKey":"PSK","region":"eu-west-101","projectId":"pproj"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name          string
		block         Settings
		env           map[string]string
		method        Method
		key, source   string
		warn          string
		region, proj  string
		errAttributes []string
	}{
		{name: "block token beats env keys", block: Settings{Token: "bt"}, env: map[string]string{EnvAccessKey: "EAK", EnvSecretKey: "ESK"},
			method: MethodToken, key: "bt", source: "the provider block"},
		{name: "block keys beat env token", block: Settings{AccessKey: "BAK", SecretKey: "BSK"}, env: map[string]string{EnvToken: "et"},
			method: MethodAccessKey, key: "BAK", source: "the provider block"},
		{name: "block key, env secret", block: Settings{AccessKey: "BAK"}, env: map[string]string{EnvSecretKey: "ESK"},
			method: MethodAccessKey, key: "BAK"},
		{name: "env token beats env keys, with a warning", env: map[string]string{EnvToken: "et", EnvAccessKey: "EAK"},
			method: MethodToken, key: "et", warn: "HW_ACCESS_KEY is ignored"},
		{name: "env keys", env: map[string]string{EnvAccessKey: "EAK", EnvSecretKey: "ESK", EnvSecurityToken: "EST"},
			method: MethodAccessKey, key: "EAK", source: "the environment"},
		{name: "env keys beat the profile, which still gives region and project",
			env:    map[string]string{EnvAccessKey: "EAK", EnvSecretKey: "ESK", EnvSharedConfigFile: file},
			method: MethodAccessKey, key: "EAK", region: "eu-west-101", proj: "pproj"},
		{name: "profile last", block: Settings{SharedConfigFile: file},
			method: MethodAccessKey, key: "PAK", source: `profile "p" of ` + file, region: "eu-west-101", proj: "pproj"},
		{name: "no profile unless asked", env: map[string]string{"HOME": dir}, errAttributes: []string{"token"}},
		{name: "both methods in the block", block: Settings{Token: "t", SecurityToken: "st"}, errAttributes: []string{"token"}},
		{name: "security token alone", block: Settings{SecurityToken: "st"}, errAttributes: []string{"access_key", "secret_key"}},
		{name: "profile asked for but missing, keys elsewhere", block: Settings{Token: "t", Profile: "nope", SharedConfigFile: file},
			errAttributes: []string{"profile"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, errs := Resolve(c.block, envOf(c.env), "")
			var attrs []string
			for _, e := range errs {
				attrs = append(attrs, e.Attribute)
			}
			if strings.Join(attrs, ",") != strings.Join(c.errAttributes, ",") {
				t.Fatalf("errors on %v (%v), want on %v", attrs, errs, c.errAttributes)
			}
			if len(errs) > 0 {
				return
			}
			cr := res.Credentials
			key := cr.Token
			if cr.Method == MethodAccessKey {
				key = cr.AccessKey
			}
			if cr.Method != c.method || key != c.key || (c.source != "" && cr.Source != c.source) {
				t.Fatalf("got method %d key %q from %q, want %d %q from %q", cr.Method, key, cr.Source, c.method, c.key, c.source)
			}
			if (c.warn == "") != (len(res.Warnings) == 0) || (c.warn != "" && !strings.Contains(res.Warnings[0], c.warn)) {
				t.Fatalf("warnings %q, want one with %q", res.Warnings, c.warn)
			}
			if res.Region != c.region || res.ProjectID != c.proj {
				t.Fatalf("region %q project %q, want %q %q", res.Region, res.ProjectID, c.region, c.proj)
			}
		})
	}
}

func TestLoadProfileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name, file, profile string
		want                []string
	}{
		{"not JSON", write("bad.json", "{"), "", []string{"bad.json", "is not a KooCLI configuration"}},
		{"no current profile", write("nocurrent.json", `{"profiles":[{"name":"a"}]}`), "", []string{"names no current profile", `"a"`}},
		{"unknown mode", write("mode.json", `{"current":"a","profiles":[{"name":"a","mode":"ECS"}]}`), "", []string{`mode "ECS"`, "AKSK or SSO"}},
		{"no keys", write("nokeys.json", `{"current":"a","profiles":[{"name":"a","mode":"SSO"}]}`), "", []string{"holds no access key"}},
		{"a directory", dir, "a", []string{"it is a directory"}},
		{"missing", filepath.Join(dir, "none.json"), "a", []string{"none.json does not exist", EnvSharedConfigFile}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadProfile(c.file, c.profile, "")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestLoadProfileDefaultFile(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, DefaultSharedConfigFile), []byte(`{"current":"s","profiles":[
{"name":"s","mode":"SSO","region":"cn-north-4","ssoAuth":{"stsToken":{"accessKeyId":"AK","secretAccessKey":"SK","securityToken":"ST"}}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile("", "", home)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Credentials; c.AccessKey != "AK" || c.SecretKey != "SK" || c.SecurityToken != "ST" || !c.FromProfile || p.Region != "cn-north-4" {
		t.Fatalf("profile %+v", p)
	}
}

func TestUnauthorizedHints(t *testing.T) {
	token := TokenCredentials("t").UnauthorizedHint()
	keys := (&Credentials{Method: MethodAccessKey, Source: "the environment"}).UnauthorizedHint()
	profile := (&Credentials{Method: MethodAccessKey, Source: "profile", FromProfile: true}).UnauthorizedHint()
	if !strings.Contains(token, "24 hours") || strings.Contains(token, "secret_key") {
		t.Errorf("token hint %q", token)
	}
	for _, want := range []string{"the environment", "secret_key", "15 minutes", "security_token", "five failures"} {
		if !strings.Contains(keys, want) {
			t.Errorf("access-key hint %q does not say %q", keys, want)
		}
	}
	if strings.Contains(keys, "encrypt") || !strings.Contains(profile, "hcloud configure set --cli-auth-encrypt=false") {
		t.Errorf("only a profile's hint tells of KooCLI's encryption: %q / %q", keys, profile)
	}
}
