package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ action.ActionWithConfigure        = (*associateKeypairAction)(nil)
	_ action.ActionWithConfigValidators = (*associateKeypairAction)(nil)
)

func newAssociateKeypairAction() action.Action { return &associateKeypairAction{} }

// associateKeypairAction binds a key pair to a server, as
// kps_keypair_association does, and keeps nothing.
type associateKeypairAction struct {
	configuredAction
}

type associateKeypairModel struct {
	actionTargets
	KeypairName     types.String     `tfsdk:"keypair_name"`
	ProjectID       types.String     `tfsdk:"project_id"`
	Auth            *actionAuthModel `tfsdk:"auth"`
	DisablePassword types.Bool       `tfsdk:"disable_password"`
	Port            types.Int64      `tfsdk:"port"`
	startTuning
}

func (a *associateKeypairAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_associate_keypair"
}

func (a *associateKeypairAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"keypair_name": schema.StringAttribute{
			Required: true, MarkdownDescription: "The key pair to bind. " + descKeypairName,
			Validators: []validator.String{keypairNameValidator()},
		},
		"project_id": projectIDActionAttribute(),
		"auth": actionAuthAttribute("How KPS logs in to the server now. With `auth`, the key pair replaces the one the " +
			"server has (a `REPLACE` task; the server must be running); without it, the server's key is reset (a " +
			"`RESET` task; the server must be shut down)."),
		"disable_password": schema.BoolAttribute{Optional: true, MarkdownDescription: "Whether to disable password login on the server; sent only when set."},
		"port": schema.Int64Attribute{
			Optional: true, MarkdownDescription: "The server's SSH port, 1 to 65535; sent only when set.",
			Validators: []validator.Int64{int64validator.Between(1, 65535)},
		},
	}
	maps.Copy(attributes, startTuningAttributes())
	maps.Copy(attributes, actionTargetAttributes("bind the key pair to"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds a key pair to an ECS server, or to a fleet of them, with KPS and waits until the " +
			"tasks have succeeded, reporting their progress; it keeps nothing in state. The same sequence as " +
			"`kps_keypair_association`: it waits for a busy server first, never starts a task twice when an answer is " +
			"lost, and fails with the reason KPS gives. Terraform 1.14 and newer.",
		Attributes: attributes,
	}
}

func (a *associateKeypairAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m associateKeypairModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a.data.runTargets(ctx, resp, "kps_associate_keypair", m.ProjectID, m.startTuning, m.actionTargets,
		func(server string) keypairops.Operation {
			return keypairops.Operation{Associate: &kps.AssociateRequest{
				ServerID: server, KeypairName: m.KeypairName.ValueString(), Auth: m.Auth.sent(),
				DisablePassword: m.DisablePassword.ValueBoolPointer(), Port: m.Port.ValueInt64Pointer(),
			}}
		})
}

func (a *associateKeypairAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return targetsValidators()
}
