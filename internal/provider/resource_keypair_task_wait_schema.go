package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

func (r *keypairTaskWaitResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedString := computedResult
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, during apply, until a KPS key-pair task ends. Resources that reference this one, " +
			"or name it in `depends_on`, are held back until then. It creates nothing in the cloud.\n\n" +
			"A task that fails is an error (unless `fail_on_failure = false`) and leaves nothing in state, so the " +
			"next apply waits again rather than planning a replacement. Once the wait is over, the task is never read " +
			"again: refreshes make no API call.",
		Attributes: map[string]schema.Attribute{
			"task_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: descTaskID + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: descProjectID + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"poll_interval":   pollIntervalAttribute("the task"),
			"fail_on_failure": failOnFailureAttribute("a task"),
			"id":              computedString("The task ID."),
			"task_status":     computedString(descTaskStatus + " At the time the wait ended."),
			"server_id":       computedString(descServerID),
			"phase":           computedString(descPhase),
			"operation":       computedString(descOperation),
			"succeeded": schema.BoolAttribute{
				Computed: true, MarkdownDescription: descSucceeded,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"completed_at": computedString("When the ending status was first seen, in RFC 3339. For an imported " +
				"task that had ended, the time of the import; null for one imported before it ended."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": waitTimeoutsBlock(ctx, "the task to end"),
		},
	}
}
