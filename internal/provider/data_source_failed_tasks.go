package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// kps_failed_tasks: kps_running_tasks (data_source_running_tasks.go) read
// from the failed-tasks list, each task with the reason KPS gives.

func newFailedTasksDataSource() datasource.DataSource {
	return &taskListDataSource[failedTaskModel]{
		name:  "failed",
		about: "that failed, with their error codes (`GET /v3/{project_id}/failed-tasks`)",
		errorAttributes: map[string]schema.Attribute{
			"error_code": schema.StringAttribute{Computed: true, MarkdownDescription: "The API's `task_error_code`."},
			"error_msg":  schema.StringAttribute{Computed: true, MarkdownDescription: "The API's `task_error_msg`."},
		},
		list: (*kps.Client).FailedTasks,
		item: newFailedTaskModel,
	}
}

// failedTaskModel is one task of kps_failed_tasks.
type failedTaskModel struct {
	listedTaskModel
	ErrorCode types.String `tfsdk:"error_code"`
	ErrorMsg  types.String `tfsdk:"error_msg"`
}

func newFailedTaskModel(t kps.ListedTask) failedTaskModel {
	return failedTaskModel{
		listedTaskModel: newListedTaskModel(t),
		ErrorCode:       types.StringValue(t.ErrorCode), ErrorMsg: types.StringValue(t.ErrorMsg),
	}
}
