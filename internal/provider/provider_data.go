package provider

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/budget"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// providerData is what Configure hands every data source, resource,
// action, ephemeral and list resource: one shared client, and the
// provider's default project.
type providerData struct {
	// lifetime is the provider's context, for work that serves many calls
	// (a shared polling round, the project look-up): it carries the
	// provider's loggers and no call's fields, and no call's end cancels it.
	lifetime  context.Context
	client    *kps.Client
	projectID string
	// projectFinder asks IAM for the region's project, once, when no
	// project_id is set anywhere; nil otherwise.
	projectFinder *huaweiauth.ProjectFinder
	// pollers share the polling of every wait in one project (see
	// wait.Poller), created as projects are first waited in.
	pollersMu sync.Mutex
	pollers   map[string]*wait.Poller
	// serverLocks keeps the resources that start tasks to one at a time per
	// server in this provider process.
	serverLocks *keypairops.ServerLocks
	// settled are the successes of interrupted creates that their tainted
	// resources' Deletes found, for the Creates that replace them.
	settled settledTasks
	// unknown names the provider attributes that were not yet known when
	// Terraform configured the provider; client is nil while it is set.
	unknown []string
}

// providerDataFrom unpacks what the framework passes to a data source's or a
// resource's Configure. It is nil before the provider is configured, as during
// validation.
func providerDataFrom(v any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v == nil {
		return nil, diags
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *provider.providerData, got %T. This is a bug in the provider; please report it.", v))
	}
	return data, diags
}

// clientFor returns the client and the project to read in: the override when
// set, else the provider's project, else the region's project from IAM.
func (d *providerData) clientFor(ctx context.Context, projectOverride types.String) (*kps.Client, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("KPS provider not configured",
			"The provider was not configured before this read. This is a bug in the provider; please report it.")
		return nil, "", diags
	}
	if len(d.unknown) > 0 {
		diags.AddError("KPS provider configuration not known yet",
			fmt.Sprintf("The provider's %s %s not known yet: %s from a resource that has not been created. "+
				"Terraform reads data sources while planning, before that resource exists. Apply that resource "+
				"first (terraform apply -target=...), or set the value from something known at plan time.",
				strings.Join(d.unknown, ", "), isOrAre(len(d.unknown)), itOrThey(len(d.unknown))))
		return nil, "", diags
	}
	project := d.projectID
	if !projectOverride.IsNull() && !projectOverride.IsUnknown() && projectOverride.ValueString() != "" {
		project = projectOverride.ValueString()
	}
	if project == "" && d.projectFinder != nil {
		found, err := d.projectFinder.ProjectID(ctx)
		if err != nil {
			diags.AddError("Cannot find the KPS project", err.Error())
		}
		project = found
	}
	if project == "" && !diags.HasError() {
		diags.AddError("Missing KPS project ID",
			"Set project_id in the provider configuration, the "+envProjectID+" environment variable, "+
				"or project_id on this data source or resource; or set region ("+envRegion+") so that the "+
				"provider can find the project from IAM.")
	}
	return d.client, project, diags
}

func isOrAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func itOrThey(n int) string {
	if n == 1 {
		return "it comes"
	}
	return "they come"
}

// pollerFor is the poller every wait in project shares.
func (d *providerData) pollerFor(client *kps.Client, project string) *wait.Poller {
	d.pollersMu.Lock()
	defer d.pollersMu.Unlock()
	if d.pollers == nil {
		d.pollers = map[string]*wait.Poller{}
	}
	p, ok := d.pollers[project]
	if !ok {
		p = wait.NewPoller(cmp.Or[context.Context](d.lifetime, context.Background()),
			func(ctx context.Context) ([]kps.ListedTask, int, error) { return client.RunningTaskPages(ctx, project) },
			func(ctx context.Context, taskID string) (kps.Task, error) {
				return client.GetTask(ctx, project, taskID)
			},
			wait.WithFailedList(func(ctx context.Context) ([]kps.ListedTask, error) { return client.FailedTasks(ctx, project) }))
		d.pollers[project] = p
	}
	return p
}

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
