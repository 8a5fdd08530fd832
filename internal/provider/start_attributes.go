package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The schema pieces every resource that starts a task shares.

// defaultStartTimeout bounds a resource's whole sequence: waiting for the
// server, starting the task and waiting for it.
const defaultStartTimeout = 30 * time.Minute

// descStartSequence is how every resource that starts a task does it.
const descStartSequence = "If the server is already running a key-pair task, the resource waits for it to end first " +
	"(so that no second task is started on a busy server). It then starts the task, fails at once if KPS did not " +
	"dispatch it, and waits for it as `kps_keypair_task_wait` does. A task that fails is an error with the reason " +
	"KPS gives in its failed-tasks list, and nothing is saved to state. A request whose answer is lost is never " +
	"sent again blindly: the task is looked for among the running tasks first."

func serverIDAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: desc + " " + descIDRule + " Changing it forces a new resource.",
		Validators:          []validator.String{idValidator()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func startProjectIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: "The IAM project of the server. Defaults to the provider's `project_id`. " + descIDRule + " Changing it forces a new resource.",
		Validators:          []validator.String{idValidator()},
		PlanModifiers: []planmodifier.String{
			stringplanmodifier.UseStateForUnknown(),
			stringplanmodifier.RequiresReplace(),
		},
	}
}

func portAttribute(change string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: "The server's SSH port, 1 to 65535; sent only when set. " + change,
		Validators:          []validator.Int64{int64validator.Between(1, 65535)},
	}
}
