package kps_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// listServer answers the running-tasks list with page(offset, limit).
func listServer(t *testing.T, page func(offset, limit int) string) (string, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(page(offset, limit)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &calls
}

func taskJSON(i int, taskTime string) string {
	return fmt.Sprintf(`{"task_id":"t%d","operate_type":"RESET","task_time":%s,"server_id":"s","server_name":"n","keypair_name":"k"}`, i, taskTime)
}

// TestListReadsEveryPageTheAPIHonours: asked for 1000 a page, the API sends
// 3; every page is read until total tasks have come.
func TestListReadsEveryPageTheAPIHonours(t *testing.T) {
	url, calls := listServer(t, func(offset, limit int) string {
		if limit != 1000 {
			t.Errorf("limit %d asked for", limit)
		}
		var tasks []string
		for i := offset; i < min(offset+3, 8); i++ {
			tasks = append(tasks, taskJSON(i, `"1764311400000"`))
		}
		return `{"total":8,"tasks":[` + strings.Join(tasks, ",") + `]}`
	})
	tasks, err := retryingClient(t, url, 0).RunningTasks(context.Background(), testProject)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 8 || tasks[7].ID != "t7" || calls.Load() != 3 {
		t.Fatalf("%d tasks in %d requests, want 8 in 3", len(tasks), calls.Load())
	}
	if want := time.Date(2025, 11, 28, 6, 30, 0, 0, time.UTC); !tasks[0].StartedAt.Equal(want) {
		t.Fatalf("StartedAt %v, want %v", tasks[0].StartedAt, want)
	}
}

// TestListStopsOnAnEmptyPage: an API that claims more tasks than it serves
// cannot make the listing loop.
func TestListStopsOnAnEmptyPage(t *testing.T) {
	url, calls := listServer(t, func(offset, _ int) string {
		if offset >= 2 {
			return `{"total":1000000,"tasks":[]}`
		}
		return `{"total":1000000,"tasks":[` + taskJSON(offset, `"1"`) + `]}`
	})
	tasks, err := retryingClient(t, url, 0).RunningTasks(context.Background(), testProject)
	if err != nil || len(tasks) != 2 || calls.Load() != 3 {
		t.Fatalf("%d tasks, %v, in %d requests; want the 2 served, in 3", len(tasks), err, calls.Load())
	}
}

// TestListTaskTime: task_time is a string of epoch milliseconds, taken as a
// number too, and may be missing; anything else is an error that names the
// task, never a panic.
func TestListTaskTime(t *testing.T) {
	for _, c := range []struct {
		taskTime string
		want     time.Time
		err      string
	}{
		{`"1764311400000"`, time.UnixMilli(1764311400000).UTC(), ""},
		{`1764311400000`, time.UnixMilli(1764311400000).UTC(), ""},
		{`""`, time.Time{}, ""},
		{`null`, time.Time{}, ""},
		{`"yesterday"`, time.Time{}, `task "t0" has task_time "yesterday": not a whole number`},
		{`"1.5e12"`, time.Time{}, `task "t0" has task_time "1.5e12"`},
		{`{"ms":1}`, time.Time{}, `task "t0" has task_time {"ms":1}`},
	} {
		url, _ := listServer(t, func(int, int) string { return `{"total":1,"tasks":[` + taskJSON(0, c.taskTime) + `]}` })
		tasks, err := retryingClient(t, url, 0).RunningTasks(context.Background(), testProject)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("task_time %s: %v, want an error saying %q", c.taskTime, err, c.err)
		case c.err == "" && (err != nil || !tasks[0].StartedAt.Equal(c.want)):
			t.Errorf("task_time %s: %v, %v; want %v", c.taskTime, tasks, err, c.want)
		}
	}
}

func TestListFailedTasksCarryTheirErrors(t *testing.T) {
	url, _ := listServer(t, func(int, int) string {
		return `{"total":1,"tasks":[{"task_id":"f","operate_type":"BIND","task_time":"5","server_id":"s",` +
			`"task_error_code":"KPS.6020","task_error_msg":"server stopped"}]}`
	})
	tasks, err := retryingClient(t, url, 0).FailedTasks(context.Background(), testProject)
	if err != nil || len(tasks) != 1 || tasks[0].ErrorCode != "KPS.6020" || tasks[0].ErrorMsg != "server stopped" || tasks[0].Operation != "BIND" {
		t.Fatalf("%+v, %v", tasks, err)
	}
}

// TestListCutShortIsAnError: a list that claims more tasks than the client
// reads is an error, never a partial list taken for whole (a server wait's
// gate that missed a record past the cut would open).
func TestListCutShortIsAnError(t *testing.T) {
	page := func(offset int) []byte {
		tasks := make([]map[string]string, 1000)
		for i := range tasks {
			tasks[i] = map[string]string{"task_id": fmt.Sprintf("t%d", offset+i), "server_id": "srv", "operate_type": "RESET"}
		}
		body, _ := json.Marshal(map[string]any{"total": 200_000, "tasks": tasks})
		return body
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page(offset))
	}))
	t.Cleanup(srv.Close)
	tasks, err := retryingClient(t, srv.URL, 0).FailedTasks(context.Background(), testProject)
	if err == nil || !strings.Contains(err.Error(), "not read further") || tasks != nil {
		t.Fatalf("a list of 200,000 tasks: %d tasks, %v", len(tasks), err)
	}
}
