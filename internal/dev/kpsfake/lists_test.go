package kpsfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func listPage(t *testing.T, s *Server, path string) (total int, ids []string, codes []string) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
	req.Header.Set("X-Auth-Token", "tok")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var body struct {
		Total int          `json:"total"`
		Tasks []listedTask `json:"tasks"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
	}
	for _, lt := range body.Tasks {
		ids, codes = append(ids, lt.TaskID), append(codes, lt.TaskErrorCode)
	}
	return body.Total, ids, codes
}

// TestListsFollowTheTimelines: a task started by someone else moves from the
// moment it is added, read or not; lists page by the largest page allowed,
// in the order tasks were added; failed tasks carry their error codes.
func TestListsFollowTheTimelines(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := New("tok", WithClock(func() time.Time { return now }), WithMaxPage(2))
	for i, id := range []string{"a", "b", "c"} {
		s.AddTask("p", id, Task{ServerID: "srv", Timeline: []Step{{Status: "RUNNING_RESET"}}})
		now = now.Add(time.Duration(i+1) * time.Millisecond)
	}
	s.AddTask("p", "foreign", Task{ServerID: "srv", FromStart: true, ErrorCode: "KPS.1", ErrorMsg: "boom",
		Timeline: []Step{{Status: "RUNNING_BIND"}, {At: time.Second, Status: "FAILED_BIND"}}})

	if total, ids, _ := listPage(t, s, "/v3/p/running-tasks?limit=1000&offset=0"); total != 4 || len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Fatalf("first page: total %d, %v; want 4 tasks, a and b", total, ids)
	}
	if _, ids, _ := listPage(t, s, "/v3/p/running-tasks?limit=1000&offset=2"); len(ids) != 2 || ids[0] != "c" || ids[1] != "foreign" {
		t.Fatalf("second page: %v", ids)
	}
	now = now.Add(time.Second)
	if total, ids, codes := listPage(t, s, "/v3/p/failed-tasks"); total != 1 || ids[0] != "foreign" || codes[0] != "KPS.1" {
		t.Fatalf("failed tasks: %d %v %v", total, ids, codes)
	}
	if total, _, _ := listPage(t, s, "/v3/p/running-tasks"); total != 3 {
		t.Fatalf("running after the foreign task failed: %d", total)
	}
	if n := s.ListRequests("running-tasks"); n != 3 {
		t.Fatalf("ListRequests = %d", n)
	}
}
