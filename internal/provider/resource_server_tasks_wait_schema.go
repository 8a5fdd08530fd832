package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

func (r *serverTasksWaitResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, during apply, until an ECS server has no running KPS key-pair task: for tasks " +
			"started outside this configuration (from the console, or by another pipeline), whose IDs nobody here " +
			"holds. Resources that reference this one, or name it in `depends_on`, are held back until then. It " +
			"creates nothing in the cloud.\n\n" +
			"The wait lists the project's running tasks on the same schedule as `kps_keypair_task_wait`; each task " +
			"of the server seen running and then no longer listed is read by its ID once, for the status it ended " +
			"in. A server with no running task ends the wait at once. A task that failed is an error (unless " +
			"`fail_on_failure = false`) and leaves nothing in state. Once the wait is over, refreshes make no API call.",
		Attributes: map[string]schema.Attribute{
			"server_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ECS server whose tasks to wait for. " + descIDRule + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The IAM project of the server's tasks. Defaults to the provider's `project_id`. " + descIDRule + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"poll_interval":   pollIntervalAttribute("the running tasks"),
			"fail_on_failure": failOnFailureAttribute("a task of the server"),
			"id":              computedResult("`{project_id}/{server_id}`."),
			"tasks": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every task of the server seen running during the wait, in the order first seen, " +
					"with the status it ended in. Empty when the server was idle.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"task_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The task's ID."},
					"task_status": schema.StringAttribute{Computed: true, MarkdownDescription: "The status the task ended in, " +
						"e.g. `SUCCESS_RESET`; empty when the cloud purged its record before it could be read."},
					"operation": schema.StringAttribute{Computed: true, MarkdownDescription: "What the task did: `RESET`, `REPLACE`, `BIND`, `UNBIND`, ..."},
				}},
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"succeeded": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether no task in `tasks` failed.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"completed_at": computedResult("When the server was first seen with no running task, in RFC 3339."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": waitTimeoutsBlock(ctx, "the server to have no running task"),
		},
	}
}
