package keypairops

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// fakeKeypairs answers a create with the next of its answers (nil: made,
// and answered), and a read with what it holds by then.
type fakeKeypairs struct {
	answers []error
	// lands, when set, is made by the first send, whatever it is answered.
	lands *kps.Keypair
	held  *kps.Keypair
	sends int
	reads int
}

func (f *fakeKeypairs) CreateKeypair(_ context.Context, _ string, r kps.CreateKeypairRequest) (kps.Keypair, error) {
	f.sends++
	if f.lands != nil && f.held == nil {
		f.held = f.lands
	}
	var err error
	if len(f.answers) > 0 {
		err, f.answers = f.answers[0], f.answers[1:]
	}
	if err == nil {
		f.held = &kps.Keypair{Name: r.Name, PublicKey: r.PublicKey}
		return *f.held, nil
	}
	return kps.Keypair{}, err
}

func (f *fakeKeypairs) Keypair(context.Context, string, string) (kps.Keypair, error) {
	f.reads++
	if f.held == nil {
		return kps.Keypair{}, &kps.ResponseError{StatusCode: http.StatusNotFound, Gone: true}
	}
	return *f.held, nil
}

var (
	now       = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	lost      = &kps.ResponseError{StatusCode: http.StatusGatewayTimeout, ErrorCode: "APIGW.0204"}
	nameTaken = &kps.ResponseError{StatusCode: http.StatusBadRequest, ErrorCode: "KPS.0002", ErrorMsg: "the name is taken"}
	imported  = kps.CreateKeypairRequest{Name: "ci", PublicKey: testkeys.CI.AuthorizedKey}
	generated = kps.CreateKeypairRequest{Name: "ops", Hosting: &kps.Hosting{Encryption: "default"}}
)

// mine is a key pair as the create req would have made it, made at made.
func mine(req kps.CreateKeypairRequest, made time.Time) *kps.Keypair {
	return &kps.Keypair{Name: req.Name, Type: "ssh", Scope: "user", UserID: "me", PublicKey: req.PublicKey,
		PrivateKeyHosted: req.Hosting != nil, CreatedAt: made}
}

// TestCreateAdoptsOnlyWhatItMade: after a lost answer, the key pair found
// by name is adopted only when it is the one this create made: made within
// the window, of the type, scope and user asked, with the key sent (or
// hosted, for a generated pair). Anything else is the "exists" error, and
// no second create is sent over it.
func TestCreateAdoptsOnlyWhatItMade(t *testing.T) {
	withKey := func(req kps.CreateKeypairRequest, key string) *kps.Keypair {
		kp := mine(req, now)
		kp.PublicKey = key
		return kp
	}
	change := func(kp *kps.Keypair, f func(*kps.Keypair)) *kps.Keypair { f(kp); return kp }
	for _, tc := range []struct {
		name  string
		req   kps.CreateKeypairRequest
		found *kps.Keypair
		adopt bool
	}{
		{"its own import", imported, mine(imported, now), true},
		{"its own import, KPS dropped the comment", imported, withKey(imported, testkeys.CI.AuthorizedKeyNoComment), true},
		{"its own import, given back as RFC 4716", imported, withKey(imported, testkeys.CI.RFC4716), true},
		{"its own generated pair", generated, mine(generated, now.Add(-30*time.Second)), true},
		{"another OpenSSH key", imported, withKey(imported, testkeys.Other.AuthorizedKey), false},
		{"another RFC 4716 key", imported, withKey(imported, testkeys.Other.RFC4716), false},
		{"another PEM key", kps.CreateKeypairRequest{Name: "x", Type: "x509", PublicKey: testkeys.CI.PKIXPEM},
			change(mine(kps.CreateKeypairRequest{Name: "x", PublicKey: testkeys.Other.PKIXPEM}, now), func(kp *kps.Keypair) { kp.Type = "x509" }),
			false},
		{"no create_time", generated, mine(generated, time.Time{}), false},
		{"made before the window", generated, mine(generated, now.Add(-2*time.Minute)), false},
		{"not hosted, for a generated pair", generated, change(mine(generated, now), func(kp *kps.Keypair) { kp.PrivateKeyHosted = false }), false},
		{"another type", imported, change(mine(imported, now), func(kp *kps.Keypair) { kp.Type = "x509" }), false},
		{"another scope", imported, change(mine(imported, now), func(kp *kps.Keypair) { kp.Scope = "domain" }), false},
		{"another user than asked", kps.CreateKeypairRequest{Name: "ci", UserID: "me", PublicKey: testkeys.CI.AuthorizedKey},
			change(mine(imported, now), func(kp *kps.Keypair) { kp.UserID = "someone-else" }), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeKeypairs{answers: []error{lost}, lands: tc.found}
			got, err := CreateKeypair(t.Context(), c, "p", tc.req, func() time.Time { return now })
			var exists *KeypairExistsError
			switch {
			case tc.adopt && (err != nil || !got.Adopted):
				t.Fatalf("not adopted: %v", err)
			case !tc.adopt && !errors.As(err, &exists):
				t.Fatalf("got %+v, %v; want the exists error", got, err)
			case c.sends != 1:
				t.Fatalf("%d sends, want 1", c.sends)
			}
		})
	}
}

// TestCreateThatLandsLate: the first send's answer is lost and the read
// finds nothing; the second send is told the name is taken, by the key
// pair the first send made, which lands late: it is this create's.
func TestCreateThatLandsLate(t *testing.T) {
	c := &lateLanding{fakeKeypairs: &fakeKeypairs{answers: []error{lost, nameTaken}}, made: mine(imported, now.Add(time.Second))}
	clock := now
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	got, err := CreateKeypair(t.Context(), c, "p", imported, tick)
	if err != nil || !got.Adopted || c.sends != 2 {
		t.Fatalf("got %+v, %v after %d sends; want the late create adopted", got, err, c.sends)
	}
}

// lateLanding makes its key pair exist only after the first read: the
// first send's, landed late.
type lateLanding struct {
	*fakeKeypairs
	made *kps.Keypair
}

func (l *lateLanding) Keypair(ctx context.Context, p, n string) (kps.Keypair, error) {
	kp, err := l.fakeKeypairs.Keypair(ctx, p, n)
	if l.reads == 1 {
		l.held = l.made
	}
	return kp, err
}

// TestCreateRefusedAsTakenIsNotAdopted: a first send told the name is
// taken made nothing: the key pair there, even the same key, is someone
// else's, and the error says whose and since when.
func TestCreateRefusedAsTakenIsNotAdopted(t *testing.T) {
	theirs := mine(imported, now)
	theirs.UserID = "u-123"
	c := &fakeKeypairs{answers: []error{nameTaken}, held: theirs}
	_, err := CreateKeypair(t.Context(), c, "p", imported, func() time.Time { return now })
	var exists *KeypairExistsError
	if !errors.As(err, &exists) || !strings.Contains(err.Error(), "user u-123") ||
		!strings.Contains(err.Error(), "2026-12-04T10:00:00Z") || c.sends != 1 {
		t.Fatalf("got %v after %d sends", err, c.sends)
	}
}

// TestCreateSendsAgainWhenNothingWasMade: answers lost and nothing found
// by name: sent again, at most MaxSends times, then an error that says the
// outcome could not be told.
func TestCreateSendsAgainWhenNothingWasMade(t *testing.T) {
	c := &fakeKeypairs{answers: []error{lost, lost, lost}}
	_, err := CreateKeypair(t.Context(), c, "p", imported, func() time.Time { return now })
	var uncertain *KeypairCreateUncertainError
	if !errors.As(err, &uncertain) || c.sends != MaxSends || c.reads != MaxSends {
		t.Fatalf("got %v after %d sends and %d reads", err, c.sends, c.reads)
	}
	c = &fakeKeypairs{answers: []error{lost}}
	if got, err := CreateKeypair(t.Context(), c, "p", imported, func() time.Time { return now }); err != nil || got.Adopted || c.sends != 2 {
		t.Fatalf("a second send that is answered: %+v, %v after %d sends", got, err, c.sends)
	}
}

// TestCreateRefusedForAnotherReason: a 400 with no key pair of that name
// is KPS's refusal, shown as it came; a 403 is not followed by a read.
func TestCreateRefusedForAnotherReason(t *testing.T) {
	c := &fakeKeypairs{answers: []error{nameTaken}}
	if _, err := CreateKeypair(t.Context(), c, "p", imported, func() time.Time { return now }); !errors.Is(err, error(nameTaken)) {
		t.Fatalf("got %v", err)
	}
	denied := &kps.ResponseError{StatusCode: http.StatusForbidden}
	c = &fakeKeypairs{answers: []error{denied}}
	if _, err := CreateKeypair(t.Context(), c, "p", imported, func() time.Time { return now }); !errors.Is(err, error(denied)) || c.reads != 0 {
		t.Fatalf("got %v after %d reads", err, c.reads)
	}
}
