package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// descStartSequence is how every resource that starts a task does it.
const descStartSequence = "If the server is already running a key-pair task, the resource waits for it to end first " +
	"(so that no second task is started on a busy server). It then starts the task, fails at once if KPS did not " +
	"dispatch it, and waits for it as `kps_keypair_task_wait` does. A task that fails is an error with the reason " +
	"KPS gives in its failed-tasks list, and nothing is saved to state. A request whose answer is lost is never " +
	"sent again blindly: the task is looked for among the running tasks first."

func (r *keypairAssociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"server_id": serverIDAttribute("The ECS server to bind the key pair to."),
		"keypair_name": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The key pair to bind. Changing it starts a new task, in place.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"project_id": startProjectIDAttribute(),
		"auth": authAttribute("How KPS logs in to the server now. With `auth`, the key pair replaces the one "+
			"the server has (a `REPLACE` task; the server must be running); without it, the server's key is reset "+
			"(a `RESET` task; the server must be shut down). Changing it starts a new task, in place.",
			"the private key of the key pair bound now"),
		"disable_password": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Whether to disable password login on the server; sent only when set. Changing it starts a new task, in place.",
		},
		"port":          portAttribute("Changing it starts a new task, in place."),
		"poll_interval": pollIntervalAttribute("the task"),
	}
	maps.Copy(attributes, startResultAttributes("SUCCESS_REPLACE"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds a key pair to an ECS server with KPS (`POST /v3/{project_id}/keypairs/associate`) " +
			"and waits, during apply, until the task has succeeded: resources that reference it are created only " +
			"once the new key is on the server.\n\n" + descStartSequence + "\n\n" +
			"An apply interrupted after the task started (Ctrl-C, or the timeout, which does not mean the task failed) " +
			"keeps the task's ID in state. The next apply first finds out how that task ended, waiting while it runs: " +
			"a replace that succeeded has changed the key the server accepts, so a success for the key pair now " +
			"planned is adopted and nothing is sent again; a task that failed or vanished is started anew. After an " +
			"interrupted create the resource is tainted: its replacement's destroy step reads the task (for at most " +
			"`timeouts.create`) and the create adopts a success. With `create_before_destroy` the create runs first " +
			"and cannot know, so it starts a task anew.\n\n" +
			"The timeouts bound the whole operation, from the moment the apply of the resource starts (waiting behind " +
			"another start on the same server included) through every poll, retry and `Retry-After`. No KPS call shows which key pair a server has, so " +
			"refreshes make no API call and cannot see a binding undone elsewhere; destroying the resource only " +
			"forgets it (the key pair stays bound: use `kps_keypair_disassociation` to unbind). Import is not supported.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Update: true,
				CreateDescription: "How long to wait in all (for the server, then the task) when the resource is created. Defaults to `30m`.",
				UpdateDescription: "How long to wait in all when an update starts a new task. Defaults to `30m`.",
			}),
		},
	}
}

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
