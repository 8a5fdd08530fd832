package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ list.ListResource              = (*keypairListResource)(nil)
	_ list.ListResourceWithConfigure = (*keypairListResource)(nil)
)

func newKeypairListResource() list.ListResource { return &keypairListResource{} }

// keypairListResource is `list "kps_keypair"` for terraform query
// (Terraform 1.14): the project's key pairs, every page, with the filters of
// kps_keypairs, each with its identity and, asked for, its attributes, so
// that -generate-config-out writes the import and resource blocks that
// adopt them with no other change.
type keypairListResource struct {
	configuredResource
}

type keypairListModel struct {
	ProjectID   types.String `tfsdk:"project_id"`
	Name        types.String `tfsdk:"name"`
	Fingerprint types.String `tfsdk:"fingerprint"`
	PublicKey   types.String `tfsdk:"public_key"`
}

func (l *keypairListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair"
}

func (l *keypairListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	filter := func(what string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: "Keep only the key pairs whose " + what + " is exactly this."}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The project's KPS key pairs, for `terraform query`: every page, each with its identity " +
			"`{name, project_id}` and, with `include_resource = true`, its attributes.",
		Attributes: map[string]schema.Attribute{
			"project_id": schema.StringAttribute{Optional: true, MarkdownDescription: descKeypairProject,
				Validators: []validator.String{idValidator()}},
			"name":        filter("name"),
			"fingerprint": filter("fingerprint"),
			"public_key":  schema.StringAttribute{Optional: true, MarkdownDescription: descPublicKeyFilter},
		},
	}
}

// detailReaders is how many key pairs are read at once for their whole
// detail, when the resources are asked for: as many as Terraform's default
// parallelism.
const detailReaders = 10

func (l *keypairListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m keypairListModel
	diags := req.Config.Get(ctx, &m)
	diags.Append(refusePrivateKeyFilter(m.PublicKey)...)
	client, project, d := l.data.clientFor(ctx, m.ProjectID)
	diags.Append(d...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	all, err := client.Keypairs(ctx, project)
	if err != nil {
		diags.AddError("Cannot list the KPS key pairs of project "+project, err.Error())
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	filter := keypairsDataModel{Name: m.Name, Fingerprint: m.Fingerprint, PublicKey: m.PublicKey}
	var kept []kps.Keypair
	for _, kp := range all {
		if req.Limit > 0 && int64(len(kept)) >= req.Limit {
			break
		}
		if filter.keeps(kp) {
			kept = append(kept, kp)
		}
	}
	// The list shows no description, user or time: a resource object to
	// generate configuration from needs each key pair's detail.
	var details []kps.Keypair
	var readErrs []error
	if req.IncludeResource {
		details, readErrs = readDetails(ctx, client, project, kept)
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i, kp := range kept {
			result := req.NewListResult(ctx)
			result.DisplayName = kp.Name
			identity := keypairIdentity{Name: types.StringValue(kp.Name), ProjectID: types.StringValue(project)}
			result.Diagnostics.Append(result.Identity.Set(ctx, &identity)...)
			if req.IncludeResource {
				if readErrs[i] != nil {
					result.Diagnostics.AddError("Cannot read KPS key pair "+kp.Name, readErrs[i].Error())
				} else {
					result.Diagnostics.Append(result.Resource.Set(ctx, listedResource(project, details[i]))...)
				}
			}
			if !push(result) {
				return
			}
		}
	}
}

// readDetails reads each key pair's detail, detailReaders at a time, in
// the order given. A read that fails is that key pair's error, not the
// others'.
func readDetails(ctx context.Context, client *kps.Client, project string, keypairs []kps.Keypair) ([]kps.Keypair, []error) {
	details, errs := make([]kps.Keypair, len(keypairs)), make([]error, len(keypairs))
	var g errgroup.Group
	g.SetLimit(detailReaders)
	for i, kp := range keypairs {
		g.Go(func() error {
			details[i], errs[i] = client.Keypair(ctx, project, kp.Name)
			return nil
		})
	}
	_ = g.Wait() // each read's error is in errs
	return details, errs
}

// listedResource is a key pair as kps_keypair's state would hold it after
// an import: what KPS says, private_key_hosting null (KPS does not say how
// it encrypts a key it holds), and nothing write-only.
func listedResource(project string, kp kps.Keypair) *keypairModel {
	m := &keypairModel{
		Name: types.StringValue(kp.Name), ID: types.StringValue(kp.Name), ProjectID: types.StringValue(project),
		PrivateKeyHosting: types.ObjectNull(hostingAttrTypes), PrivateKeyWO: types.StringNull(),
		PrivateKeyWOVersion: types.Int64Null(), Description: types.StringNull(), PublicKey: types.StringNull(),
	}
	refreshKeypair(m, kp)
	settleUnknown(m)
	// As the refresh after an import sets it: the default.
	m.DeletionProtection = types.BoolValue(kp.PrivateKeyHosted)
	return m
}
