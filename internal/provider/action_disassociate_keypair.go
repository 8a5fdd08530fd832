package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ action.ActionWithConfigure        = (*disassociateKeypairAction)(nil)
	_ action.ActionWithConfigValidators = (*disassociateKeypairAction)(nil)
)

func newDisassociateKeypairAction() action.Action { return &disassociateKeypairAction{} }

// disassociateKeypairAction unbinds a server's key pair, as
// kps_keypair_disassociation does, and keeps nothing.
type disassociateKeypairAction struct {
	configuredAction
}

type disassociateKeypairModel struct {
	actionTargets
	ProjectID types.String     `tfsdk:"project_id"`
	Auth      *actionAuthModel `tfsdk:"auth"`
	startTuning
}

func (a *disassociateKeypairAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_disassociate_keypair"
}

func (a *disassociateKeypairAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"project_id": projectIDActionAttribute(),
		"auth": actionAuthAttribute("How KPS logs in to the server now: needed when the server is running (the private " +
			"key of the key pair bound now), not when it is shut down."),
	}
	maps.Copy(attributes, startTuningAttributes())
	maps.Copy(attributes, actionTargetAttributes("unbind the key pair of"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Unbinds the key pair from an ECS server, or from a fleet of them, with KPS (an `UNBIND` " +
			"task, which restores password login) and waits until the tasks have succeeded, reporting their progress; " +
			"it keeps nothing in state. The same sequence as `kps_keypair_disassociation`. Terraform 1.14 and newer.",
		Attributes: attributes,
	}
}

func (a *disassociateKeypairAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m disassociateKeypairModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a.data.runTargets(ctx, resp, "kps_disassociate_keypair", m.ProjectID, m.startTuning, m.actionTargets,
		func(server string) keypairops.Operation {
			return keypairops.Operation{Disassociate: &kps.DisassociateRequest{ServerID: server, Auth: m.Auth.sent()}}
		})
}

func (a *disassociateKeypairAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return targetsValidators()
}
