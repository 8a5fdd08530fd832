package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var _ action.ActionWithConfigure = (*disassociateKeypairAction)(nil)

func newDisassociateKeypairAction() action.Action { return &disassociateKeypairAction{} }

// disassociateKeypairAction unbinds a server's key pair, as
// kps_keypair_disassociation does, and keeps nothing.
type disassociateKeypairAction struct {
	configuredAction
}

type disassociateKeypairModel struct {
	ServerID  types.String     `tfsdk:"server_id"`
	ProjectID types.String     `tfsdk:"project_id"`
	Auth      *actionAuthModel `tfsdk:"auth"`
	startTuning
}

func (a *disassociateKeypairAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_disassociate_keypair"
}

func (a *disassociateKeypairAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"server_id": schema.StringAttribute{
			Required: true, MarkdownDescription: "The ECS server whose key pair to unbind. " + descIDRule,
			Validators: []validator.String{idValidator()},
		},
		"project_id": projectIDActionAttribute(),
		"auth": actionAuthAttribute("How KPS logs in to the server now: needed when the server is running (the private " +
			"key of the key pair bound now), not when it is shut down."),
	}
	maps.Copy(attributes, startTuningAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Unbinds the key pair from an ECS server with KPS (an `UNBIND` task, which restores " +
			"password login) and waits until the task has succeeded, reporting its progress; it keeps nothing in " +
			"state. The same sequence as `kps_keypair_disassociation`. Terraform 1.14 and newer.",
		Attributes: attributes,
	}
}

func (a *disassociateKeypairAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m disassociateKeypairModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a.data.runStartAction(ctx, resp, m.ProjectID, m.startTuning, keypairops.Operation{Disassociate: &kps.DisassociateRequest{
		ServerID: m.ServerID.ValueString(), Auth: m.Auth.sent(),
	}})
}
