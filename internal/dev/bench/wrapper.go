package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// The benchmark measures the provider process's peak memory by standing in
// for it: Terraform starts this program (through a link named like the
// provider), which runs the real provider as its child with the same
// arguments, environment and standard streams, and on its exit appends the
// child's peak resident set size, as the kernel counted it, to a file.
const (
	envRealProvider = "KPS_BENCH_REAL_PROVIDER"
	envRSSFile      = "KPS_BENCH_RSS_FILE"
)

// runAsWrapper reports whether this process is the stand-in, and if so runs
// the provider and never returns.
func runAsWrapper() bool {
	real := os.Getenv(envRealProvider)
	if real == "" {
		return false
	}
	cmd := exec.CommandContext(context.Background(), real, os.Args[1:]...) //nolint:gosec // the benchmark's own provider build
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		os.Exit(1)
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if f, err := os.OpenFile(os.Getenv(envRSSFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil { //nolint:gosec // a file the benchmark names
			fmt.Fprintln(f, usage.Maxrss) // KiB on Linux
			_ = f.Close()
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
	return true
}
