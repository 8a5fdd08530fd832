package keypairops

import (
	"context"
	"sync"
)

// ServerLocks lets one task at a time be started and waited for on each
// server within a provider process. Two resources of one configuration on
// the same server would otherwise both see it idle and both start a task,
// the second refused by KPS as busy. The zero value is ready to use.
type ServerLocks struct {
	mu   sync.Mutex
	held map[string]chan struct{}
}

// Lock takes the lock of key, waiting while another holds it, until ctx
// ends. It returns the function that releases it.
func (l *ServerLocks) Lock(ctx context.Context, key string) (unlock func(), err error) {
	for {
		l.mu.Lock()
		if l.held == nil {
			l.held = map[string]chan struct{}{}
		}
		busy, taken := l.held[key]
		if !taken {
			released := make(chan struct{})
			l.held[key] = released
			l.mu.Unlock()
			return func() {
				l.mu.Lock()
				delete(l.held, key)
				l.mu.Unlock()
				close(released)
			}, nil
		}
		l.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
