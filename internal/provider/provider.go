// Package provider is the Terraform side of terraform-provider-kps: schemas,
// models and the glue between Terraform and the KPS client in internal/kps.
// Each type's code is in the file named for it (resource_*, data_source_*,
// action_*, ephemeral_resource_*, list_resource_*); what several types share
// is in a file named for the job (start_resources, invoke_*, wait_resources,
// start_errors, ...), as the README's code map lists.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/releasectx"
	"github.com/kpsops/terraform-provider-kps/internal/writeonlyaction"
)

// TypeName is the provider's local name and the prefix of its types.
const TypeName = "kps"

var (
	_ provider.Provider                       = (*kpsProvider)(nil)
	_ provider.ProviderWithActions            = (*kpsProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*kpsProvider)(nil)
	_ provider.ProviderWithListResources      = (*kpsProvider)(nil)
)

type kpsProvider struct {
	version string
	// getenv reads environment variables; tests replace it so that they can run in parallel.
	getenv func(string) string
	// retryWait, when set, replaces the pauses between retries; tests shorten it.
	retryWait time.Duration
}

// New returns a constructor for the provider, in the form the framework's
// server takes (NewServer wraps it; main serves that).
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &kpsProvider{version: version, getenv: osGetenv}
	}
}

// Address is the provider's source address in the registry.
const Address = "registry.terraform.io/kpsops/kps"

// NewServer returns the protocol 6 server factory that main serves, as
// providerserver.Serve would build it, with the framework's per-call context
// leak worked around (see package releasectx), and its refusal of values in
// write-only action attributes (see package writeonlyaction).
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return protocolServer(New(version)()) }
}

func protocolServer(p provider.Provider) tfprotov6.ProviderServer {
	return releasectx.Wrap(writeonlyaction.Wrap(providerserver.NewProtocol6(p)()))
}

func (p *kpsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *kpsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newKeypairTaskWaitResource, newServerTasksWaitResource, newKeypairAssociationResource, newKeypairDisassociationResource,
		newKeypairResource,
	}
}

// Actions are the operations Terraform 1.14 and newer can invoke.
func (p *kpsProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newAssociateKeypairAction, newDisassociateKeypairAction, newDeleteFailedTasksAction}
}

// ListResources are what terraform query (Terraform 1.14 and newer) lists.
func (p *kpsProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{newKeypairListResource}
}

// EphemeralResources are the values Terraform 1.10 and newer keep for one
// run only, in neither plan nor state.
func (p *kpsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newKeypairPrivateKeyEphemeral}
}

func (p *kpsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newKeypairTaskDataSource, newRunningTasksDataSource, newFailedTasksDataSource, newKeypairDataSource, newKeypairsDataSource,
	}
}

// The environment variables are the ones Huawei Cloud's own provider reads, so
// that a shell set up for it works here unchanged.
const (
	envRegion     = "HW_REGION_NAME"
	envProjectID  = "HW_PROJECT_ID"
	envToken      = huaweiauth.EnvToken
	envEndpoint   = "HW_KPS_ENDPOINT"
	envAuthURL    = "HW_AUTH_URL"
	envCloud      = "HW_CLOUD"
	envInsecure   = "HW_INSECURE"
	envMaxRetries = "HW_MAX_RETRIES"
)

const (
	defaultMaxRetries = 5
	maxMaxRetries     = 20
)

func (p *kpsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The KPS provider reads and waits on the asynchronous key-pair tasks of Huawei Cloud's " +
			"Key Pair Service (reset, replace, bind and unbind of SSH key pairs on ECS servers).",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The region name, e.g. `cn-north-4`. Read from `" + envRegion + "` when not set. " +
					"Required unless `endpoint` is set.",
			},
			"project_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The IAM project ID that tasks are read in. Read from `" + envProjectID + "` when not set, " +
					"then from the KooCLI profile if one is read. When none is set, the provider asks IAM for the project " +
					"named after `region`, once, at the first read that needs it.",
				Validators: []validator.String{idValidator()},
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "An IAM user token, sent as the `X-Auth-Token` header. Read from `" + envToken + "` when not set. " +
					"IAM tokens last 24 hours. The token never appears in state, plan output or logs. " +
					"Conflicts with `access_key`.",
			},
			"access_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "An access key ID. With `secret_key`, every request is signed (`SDK-HMAC-SHA256`) " +
					"instead of carrying a token. Read from `" + huaweiauth.EnvAccessKey + "` when not set.",
			},
			"secret_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The secret of `access_key`. Read from `" + huaweiauth.EnvSecretKey + "` when not set. " +
					"It never appears in state, plan output or logs.",
			},
			"security_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The security token of a temporary access key (STS), sent as `X-Security-Token`. " +
					"Read from `" + huaweiauth.EnvSecurityToken + "` when not set.",
			},
			"shared_config_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A KooCLI (`hcloud`) configuration file to read `profile` from. Read from `" +
					huaweiauth.EnvSharedConfigFile + "` when not set. Defaults to `~/" + huaweiauth.DefaultSharedConfigFile + "`. " +
					"The file is read only when this or `profile` is set.",
			},
			"profile": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The KooCLI profile to take keys (mode `AKSK` or `SSO`), region and project from, " +
					"when neither the provider block nor the environment gives credentials. Read from `" +
					huaweiauth.EnvProfile + "` when not set. Defaults to the file's current profile.",
			},
			"auth_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The IAM endpoint, used only to find the project of `region` when no `project_id` " +
					"is set. Read from `" + envAuthURL + "` when not set. Defaults to `https://iam.{region}.{cloud}/v3`.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The base URL of the KPS API: scheme, host, optional port and path prefix. Read from `" +
					envEndpoint + "` when not set. Defaults to `https://kms.{region}.{cloud}`.",
			},
			"cloud": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The domain used to build the default endpoint. Read from `" + envCloud + "` when not set. " +
					"Defaults to `myhuaweicloud.com`, or `myhuaweicloud.eu` for regions whose names start with `eu-west-1`.",
			},
			"insecure": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Skip TLS certificate verification. Read from `" + envInsecure + "` when not set. " +
					"Defaults to `false`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times one request is retried after a transient failure (0 to 20). " +
					"Read from `" + envMaxRetries + "` when not set. Defaults to `5`.",
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
		},
	}
}
