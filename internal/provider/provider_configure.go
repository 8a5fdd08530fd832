package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

func osGetenv(name string) string { return os.Getenv(name) }

type providerModel struct {
	Region     types.String `tfsdk:"region"`
	ProjectID  types.String `tfsdk:"project_id"`
	Token      types.String `tfsdk:"token"`
	Endpoint   types.String `tfsdk:"endpoint"`
	Cloud      types.String `tfsdk:"cloud"`
	Insecure   types.Bool   `tfsdk:"insecure"`
	MaxRetries types.Int64  `tfsdk:"max_retries"`
}

// unknownAttributes names the attributes whose values come from something not
// yet created, sorted for a stable message.
func (m providerModel) unknownAttributes() []string {
	values := map[string]attr.Value{
		"region": m.Region, "project_id": m.ProjectID, "token": m.Token, "endpoint": m.Endpoint,
		"cloud": m.Cloud, "insecure": m.Insecure, "max_retries": m.MaxRetries,
	}
	var unknown []string
	for name, v := range values {
		if v.IsUnknown() {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}

func (p *kpsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value that comes from a resource not yet created is no error: Terraform
	// configures the provider again, with every value known, before it applies
	// resources. Until then, reads say which value they are waiting for.
	if unknown := m.unknownAttributes(); len(unknown) > 0 {
		data := &providerData{unknown: unknown}
		resp.DataSourceData, resp.ResourceData = data, data
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}

	cfg, diags := p.resolve(m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := kps.New(kps.Config{
		Endpoint:     cfg.endpoint,
		Token:        cfg.token,
		Insecure:     cfg.insecure,
		MaxRetries:   cfg.maxRetries,
		RetryWaitMin: p.retryWait,
		RetryWaitMax: p.retryWait,
		UserAgent:    fmt.Sprintf("terraform-provider-kps/%s (+https://registry.terraform.io/providers/kpsops/kps) Terraform/%s", p.version, req.TerraformVersion),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the KPS provider", err.Error())
		return
	}
	data := &providerData{client: client, projectID: cfg.projectID}
	resp.DataSourceData, resp.ResourceData = data, data
}

// resolvedConfig is the provider configuration with environment variables and
// defaults applied.
type resolvedConfig struct {
	endpoint   *url.URL
	projectID  string
	token      string
	insecure   bool
	maxRetries int
}

// resolve applies the rule that a value in the configuration wins over its
// environment variable, then the defaults, and reports every missing or bad
// value at once, each naming both the attribute and its variable.
func (p *kpsProvider) resolve(m providerModel) (resolvedConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg resolvedConfig

	region := p.stringSetting(m.Region, envRegion)
	cfg.projectID = p.stringSetting(m.ProjectID, envProjectID)
	cfg.token = p.stringSetting(m.Token, envToken)
	rawEndpoint := p.stringSetting(m.Endpoint, envEndpoint)
	cloud := p.stringSetting(m.Cloud, envCloud)

	if cfg.token == "" {
		diags.AddAttributeError(path.Root("token"), "Missing KPS token",
			"Set token in the provider configuration or the "+envToken+" environment variable to an IAM user token.")
	}
	if cfg.projectID != "" && m.ProjectID.IsNull() {
		// A project ID from the environment has not been through the schema's validator.
		if err := kps.CheckID(envProjectID, cfg.projectID); err != nil {
			diags.AddAttributeError(path.Root("project_id"), "Invalid KPS project ID", err.Error())
		}
	}

	switch {
	case rawEndpoint != "":
		endpoint, err := kps.ParseEndpoint(rawEndpoint)
		if err != nil {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid KPS endpoint",
				"endpoint (or "+envEndpoint+"): "+err.Error()+", e.g. https://kms.cn-north-4.myhuaweicloud.com.")
		}
		cfg.endpoint = endpoint
	case region == "":
		diags.AddAttributeError(path.Root("region"), "Missing KPS region",
			"Set region in the provider configuration or the "+envRegion+" environment variable (e.g. cn-north-4), "+
				"or set endpoint ("+envEndpoint+") to the API's base URL.")
	default:
		endpoint, err := kps.ParseEndpoint(kps.DefaultEndpoint(region, cloud))
		if err != nil {
			diags.AddAttributeError(path.Root("region"), "Invalid KPS region",
				"The region and cloud do not make a valid endpoint: "+err.Error())
		}
		cfg.endpoint = endpoint
	}

	cfg.insecure = m.Insecure.ValueBool()
	if m.Insecure.IsNull() {
		if raw := p.getenv(envInsecure); raw != "" {
			v, err := strconv.ParseBool(raw)
			if err != nil {
				diags.AddAttributeError(path.Root("insecure"), "Invalid "+envInsecure,
					fmt.Sprintf("%s is %q; it must be true or false.", envInsecure, raw))
			}
			cfg.insecure = v
		}
	}

	cfg.maxRetries = defaultMaxRetries
	if !m.MaxRetries.IsNull() {
		cfg.maxRetries = int(m.MaxRetries.ValueInt64())
	} else if raw := p.getenv(envMaxRetries); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v < 0 || v > maxMaxRetries {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid "+envMaxRetries,
				fmt.Sprintf("%s is %q; it must be a whole number from 0 to %d.", envMaxRetries, raw, maxMaxRetries))
		}
		cfg.maxRetries = v
	}
	return cfg, diags
}

// stringSetting is the configured value, or else the environment variable's.
func (p *kpsProvider) stringSetting(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return p.getenv(env)
}
