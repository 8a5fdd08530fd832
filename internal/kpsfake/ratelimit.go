package kpsfake

import "time"

// rateLimit admits at most perSecond requests in each whole second, the way a
// gateway's fixed-window policy counts them. The Server's mutex guards it.
type rateLimit struct {
	perSecond int
	window    time.Time
	count     int
}

func (l *rateLimit) allow(now time.Time) bool {
	window := now.Truncate(time.Second)
	if !window.Equal(l.window) {
		l.window, l.count = window, 0
	}
	if l.count >= l.perSecond {
		return false
	}
	l.count++
	return true
}
