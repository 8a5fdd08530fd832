package keypairops

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/keymaterial"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// A key pair's create is once only, as a start is, and through the same
// rules: at most MaxSends sends, and after an answer that may hide what it
// made, a look before the next send, adopting only what this create can
// have made within adoptWindow of its first send. A start's look is the
// running-tasks list; a create's is a read of the key pair by name.

// KeypairClient is what a create needs of the KPS client.
type KeypairClient interface {
	CreateKeypair(ctx context.Context, projectID string, r kps.CreateKeypairRequest) (kps.Keypair, error)
	Keypair(ctx context.Context, projectID, name string) (kps.Keypair, error)
}

// CreatedKeypair is a key pair a create made.
type CreatedKeypair struct {
	kps.Keypair
	// Adopted is set when the create's answer was lost and the key pair
	// was found by name, and is the one this create made.
	Adopted bool
}

// CreateKeypair sends req once only, in project. now is the clock the
// adoption window is read on. A name taken by a key pair this create did
// not make is a *KeypairExistsError; a create whose outcome could not be
// told, a *KeypairCreateUncertainError; any other refusal, KPS's error.
func CreateKeypair(ctx context.Context, c KeypairClient, project string, req kps.CreateKeypairRequest, now func() time.Time,
) (CreatedKeypair, error) {
	firstSent := now()
	mayHaveMade := false
	for sends := 1; ; sends++ {
		created, err := c.CreateKeypair(ctx, project, req)
		if err == nil {
			return CreatedKeypair{Keypair: created}, nil
		}
		acted, refused := kps.MayHaveActed(err), kps.IsBadRequest(err)
		if ctx.Err() != nil || (!acted && !refused) {
			return CreatedKeypair{}, err
		}
		mayHaveMade = mayHaveMade || acted
		existing, readErr := c.Keypair(ctx, project, req.Name)
		switch {
		case readErr != nil && kps.IsGone(readErr) && refused:
			return CreatedKeypair{}, err // refused for a reason of its own
		case readErr != nil && kps.IsGone(readErr) && sends < MaxSends:
			continue // the lost create made nothing: send it again
		case readErr != nil && kps.IsGone(readErr):
			return CreatedKeypair{}, &KeypairCreateUncertainError{Name: req.Name, Sends: sends, Err: err}
		case readErr != nil && !mayHaveMade:
			// Refused, and no send may have acted: nothing was made.
			return CreatedKeypair{}, fmt.Errorf("%w (reading key pair %s, to tell whether its name is taken, failed too: %w)",
				err, req.Name, readErr)
		case readErr != nil:
			return CreatedKeypair{}, &KeypairCreateUncertainError{Name: req.Name, Sends: sends, Err: err, LookupErr: readErr}
		case mayHaveMade && madeBy(existing, req, firstSent):
			// A create that landed late is this create's, even when a later
			// send was told the name is taken.
			return CreatedKeypair{Keypair: existing, Adopted: true}, nil
		}
		return CreatedKeypair{}, &KeypairExistsError{Name: req.Name, Project: project, Existing: existing, Err: err}
	}
}

// madeBy reports whether kp can be the key pair req made, first sent at
// firstSent: made no earlier than adoptWindow before that (a key pair with
// no create_time cannot be told apart, and is never adopted), of the type,
// scope and user asked for, and holding the key sent, or, for a pair KPS
// generated, hosting its private key.
func madeBy(kp kps.Keypair, req kps.CreateKeypairRequest, firstSent time.Time) bool {
	switch {
	case kp.CreatedAt.IsZero() || kp.CreatedAt.Before(firstSent.Add(-adoptWindow)):
		return false
	case kp.Type != cmp.Or(req.Type, "ssh") || kp.Scope != cmp.Or(req.Scope, "user"):
		return false
	case req.UserID != "" && kp.UserID != req.UserID:
		return false
	case req.Hosting != nil && !kp.PrivateKeyHosted:
		return false
	case req.PublicKey != "":
		return keymaterial.SameKey(kp.PublicKey, req.PublicKey)
	}
	return kp.PrivateKeyHosted
}

// KeypairExistsError is a create refused because a key pair of that name
// exists that this create did not make: someone else's, or one made
// earlier.
type KeypairExistsError struct {
	Name, Project string
	// Existing is the key pair that holds the name.
	Existing kps.Keypair
	// Err is what the create was answered.
	Err error
}

func (e *KeypairExistsError) Error() string {
	owner := "another user"
	if e.Existing.UserID != "" {
		owner = "user " + e.Existing.UserID
	}
	made := "at a time KPS does not say"
	if !e.Existing.CreatedAt.IsZero() {
		made = "at " + e.Existing.CreatedAt.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("a key pair named %s already exists in project %s, made by %s %s (%s scope), and this create "+
		"did not make it (the create was answered: %v)", e.Name, e.Project, owner, made, cmp.Or(e.Existing.Scope, "unknown"), e.Err)
}

func (e *KeypairExistsError) Unwrap() error { return e.Err }

// KeypairCreateUncertainError is a create whose answers were lost and that
// could not be told to have made a key pair: MaxSends sends, each lost, and
// none found by name after; or a read by name that failed.
type KeypairCreateUncertainError struct {
	Name  string
	Sends int
	// Err is the last send's error; LookupErr the read by name's, if it
	// failed.
	Err, LookupErr error
}

func (e *KeypairCreateUncertainError) Error() string {
	if e.LookupErr != nil {
		return fmt.Sprintf("the create of key pair %s may have reached KPS (%v), and reading it by name, which would show "+
			"whether it was made, failed: %v", e.Name, e.Err, e.LookupErr)
	}
	return fmt.Sprintf("the create of key pair %s was sent %d times, and each answer was lost (the last: %v); "+
		"no key pair of that name exists after them", e.Name, e.Sends, e.Err)
}

func (e *KeypairCreateUncertainError) Unwrap() error { return e.Err }
