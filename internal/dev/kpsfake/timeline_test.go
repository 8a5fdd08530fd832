package kpsfake

import "testing"

// TestParseTaskReadsAFailureReason: a FAILED_ step may carry CODE:MESSAGE,
// the message running to the end of the step, colons and all; the task
// takes it as its reason.
func TestParseTaskReadsAFailureReason(t *testing.T) {
	task, err := ParseTask("RUNNING_RESET@0s, FAILED_RESET@5s:KPS.6015:the login was refused: wrong key")
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Timeline) != 2 || task.Timeline[1].Status != "FAILED_RESET" || task.Timeline[1].At.String() != "5s" ||
		task.ErrorCode != "KPS.6015" || task.ErrorMsg != "the login was refused: wrong key" {
		t.Fatalf("parsed %+v", task)
	}
	if task, err := ParseTask("READY_BIND@0s,SUCCESS_BIND@1s"); err != nil || task.ErrorCode != "" || len(task.Timeline) != 2 {
		t.Fatalf("a timeline without a reason: %+v, %v", task, err)
	}
}

// TestParseTaskRejectsBadReasons: a reason on a step that is not FAILED_,
// one without its message or code, and two reasons, are refused; so is a
// reason given to ParseTimeline, which has nowhere to keep it.
func TestParseTaskRejectsBadReasons(t *testing.T) {
	for _, spec := range []string{
		"RUNNING_RESET@0s:KPS.6015:no",
		"FAILED_RESET@5s:KPS.6015",
		"FAILED_RESET@5s::a message",
		"FAILED_RESET@5s:",
		"FAILED_RESET@1s:KPS.1:a,FAILED_RESET@2s:KPS.2:b",
	} {
		if task, err := ParseTask(spec); err == nil {
			t.Errorf("ParseTask(%q) = %+v, want an error", spec, task)
		}
	}
	if _, err := ParseTimeline("FAILED_RESET@5s:KPS.6015:refused"); err == nil {
		t.Error("ParseTimeline took a failure reason")
	}
}
