package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/budget"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// recallLimits finds the limits an earlier run against this endpoint and
// project learned, from the file under the user's cache directory, and
// returns the memory to record new ones in. Any trouble with the file (no
// cache directory, unreadable, corrupt) is logged at DEBUG and otherwise
// ignored: the limits are then learned again from 429s, as without it.
func recallLimits(ctx context.Context, endpoint, project string) (kps.LimitMemory, []budget.Limit) {
	path, err := budget.DefaultMemoryPath()
	if err != nil {
		tflog.Debug(ctx, "No cache directory to remember the gateway's limits in", map[string]any{"error": err.Error()})
		return nil, nil
	}
	memory := budget.FileMemory{Path: path, Key: endpoint + "\n" + project}
	limits, err := memory.Recall(time.Now())
	switch {
	case err != nil:
		tflog.Debug(ctx, "Cannot read the remembered gateway limits; they are learned again", map[string]any{"error": err.Error()})
	case len(limits) > 0:
		tflog.Debug(ctx, "Pacing requests by the gateway limits an earlier run learned", map[string]any{"limits": fmt.Sprint(limits)})
	}
	return memory, limits
}
