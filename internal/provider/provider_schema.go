package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The environment variables are the ones Huawei Cloud's own provider reads, so
// that a shell set up for it works here unchanged.
const (
	envRegion     = "HW_REGION_NAME"
	envProjectID  = "HW_PROJECT_ID"
	envToken      = "HW_AUTH_TOKEN" //nolint:gosec // a variable name, not a credential
	envEndpoint   = "HW_KPS_ENDPOINT"
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
				MarkdownDescription: "The IAM project ID that tasks are read in. Read from `" + envProjectID + "` when not set. " +
					"Required unless every data source and resource sets its own `project_id`.",
				Validators: []validator.String{idValidator()},
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "An IAM user token, sent as the `X-Auth-Token` header. Read from `" + envToken + "` when not set. " +
					"IAM tokens last 24 hours. The token never appears in state, plan output or logs.",
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
