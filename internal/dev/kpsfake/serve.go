package kpsfake

import (
	"context"
	"net"
	"net/http"
	"time"
)

// ServeLoopback serves s on a free port of 127.0.0.1 until stop is called,
// for the programs that run the stand-in beside a CLI (the demo, the
// benchmarks, the release check). It returns the base URL to point the
// provider at.
func ServeLoopback(ctx context.Context, s *Server) (url string, stop func(), err error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}
