package kps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ListedTask is one task as the running-tasks and failed-tasks lists report it.
type ListedTask struct {
	ID          string
	Operation   string // the API's operate_type: RESET, REPLACE, BIND, UNBIND, ...
	ServerID    string
	ServerName  string
	KeypairName string
	StartedAt   time.Time // zero when the API sent no task_time
	// ErrorCode and ErrorMsg are set for failed tasks only.
	ErrorCode, ErrorMsg string
}

// ListPageSize is the page size asked for. The API's default and most is
// 1000; the client trusts only what comes back, never this.
const ListPageSize = 1000

// maxListedTasks bounds a listing, whatever total the API claims. A
// listing cut there is an error, never a list taken for whole: a server
// wait's gate that missed a record past it would open.
const maxListedTasks = 100_000

// RunningTasks lists the project's tasks that have not ended, every page:
// GET /v3/{project_id}/running-tasks.
func (c *Client) RunningTasks(ctx context.Context, projectID string) ([]ListedTask, error) {
	tasks, _, err := c.RunningTaskPages(ctx, projectID)
	return tasks, err
}

// RunningTaskPages is RunningTasks, with how many pages it took. The API
// pages by offset, so a task that ends while a later page is read shifts
// the tasks after it, and one of them can be missed: a task missing from a
// list of more than one page may still run.
func (c *Client) RunningTaskPages(ctx context.Context, projectID string) ([]ListedTask, int, error) {
	return c.listTasks(ctx, projectID, "running-tasks", "kps::getRunningTask")
}

// FailedTasks lists the project's failed tasks, every page:
// GET /v3/{project_id}/failed-tasks.
func (c *Client) FailedTasks(ctx context.Context, projectID string) ([]ListedTask, error) {
	tasks, _, err := c.listTasks(ctx, projectID, "failed-tasks", "kps::getFailedTask")
	return tasks, err
}

// listTasks reads every page of a list. It trusts the total and the pages it
// gets rather than the page size it asked for (a gateway may honour a
// smaller one), and stops at the first empty page, so that an API that
// claims more than it serves cannot make it loop.
func (c *Client) listTasks(ctx context.Context, projectID, list, action string) (tasks []ListedTask, pages int, err error) {
	if err := CheckID("project_id", projectID); err != nil {
		return nil, 0, err
	}
	tasks = []ListedTask{}
	var read listingBudget
	for ; len(tasks) < maxListedTasks; pages++ {
		u := c.endpoint.JoinPath("v3", projectID, list)
		u.RawQuery = url.Values{"limit": {strconv.Itoa(ListPageSize)}, "offset": {strconv.Itoa(len(tasks))}}.Encode()
		resp, err := c.get(ctx, u, hints{denied: needs(action), maxBody: MaxListBodyBytes})
		if err != nil {
			return nil, 0, err
		}
		if err := read.spend(resp); err != nil {
			return nil, 0, err
		}
		var page taskPage
		if err := resp.decodeJSON(&page, "the task list JSON expected"); err != nil {
			return nil, 0, err
		}
		for _, raw := range page.Tasks {
			task, err := raw.decode()
			if err != nil {
				return nil, 0, resp.problem(err.Error())
			}
			tasks = append(tasks, task)
		}
		if len(page.Tasks) == 0 || len(tasks) >= page.Total {
			return tasks, pages + 1, nil
		}
	}
	return nil, 0, fmt.Errorf("GET %s: the list claims more than %d tasks; not read further", c.endpoint.JoinPath("v3", projectID, list),
		maxListedTasks)
}

// taskPage is one page of a task list.
type taskPage struct {
	Total int           `json:"total"`
	Tasks []listedTaskJ `json:"tasks"`
}

type listedTaskJ struct {
	TaskID        string          `json:"task_id"`
	OperateType   string          `json:"operate_type"`
	TaskTime      json.RawMessage `json:"task_time"`
	ServerName    string          `json:"server_name"`
	ServerID      string          `json:"server_id"`
	KeypairName   string          `json:"keypair_name"`
	TaskErrorCode string          `json:"task_error_code"`
	TaskErrorMsg  string          `json:"task_error_msg"`
}

func (j listedTaskJ) decode() (ListedTask, error) {
	started, err := parseTaskTime(j.TaskTime)
	if err != nil {
		return ListedTask{}, fmt.Errorf("task %q has task_time %s: %w", j.TaskID, snippetOf(j.TaskTime), err)
	}
	return ListedTask{
		ID: j.TaskID, Operation: j.OperateType, ServerID: j.ServerID, ServerName: j.ServerName,
		KeypairName: j.KeypairName, StartedAt: started, ErrorCode: j.TaskErrorCode, ErrorMsg: j.TaskErrorMsg,
	}, nil
}

// parseTaskTime reads task_time: epoch milliseconds, sent as a string (and
// taken as a number too). Missing or empty is the zero time.
func parseTaskTime(raw json.RawMessage) (time.Time, error) {
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" {
		return time.Time{}, nil
	}
	if unquoted, err := strconv.Unquote(text); err == nil {
		text = strings.TrimSpace(unquoted)
		if text == "" {
			return time.Time{}, nil
		}
	}
	ms, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return time.Time{}, errors.New("not a whole number of milliseconds since 1970")
	}
	return time.UnixMilli(ms).UTC(), nil
}

func snippetOf(raw json.RawMessage) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "..."
	}
	return string(raw)
}

// FailedTask finds one task in the failed-tasks list (one listing, every
// page), for why it failed: the list is the only place that says. found is
// false when the list does not hold it (its record was deleted, or it has
// not been listed yet).
func (c *Client) FailedTask(ctx context.Context, projectID, taskID string) (task ListedTask, found bool, err error) {
	failed, err := c.FailedTasks(ctx, projectID)
	if err != nil {
		return ListedTask{}, false, err
	}
	for _, t := range failed {
		if t.ID == taskID {
			return t, true, nil
		}
	}
	return ListedTask{}, false, nil
}
