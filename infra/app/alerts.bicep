// Azure Monitor alerts. They complement mailferry's in-app rules (failure rate, DLQ growth,
// stalled waves): these fire even when the app itself is down or cannot send mail.

@description('Name of the action group.')
param actionGroupName string

@description('Tags applied to the alert resources.')
param tags object

@description('Azure region of the log search alert (metric alerts and action groups are global).')
param location string

@description('Email address alerts go to; empty sends no email.')
param alertEmail string = ''

@description('HTTPS webhook alerts are posted to (common alert schema); empty posts nothing.')
@secure()
param alertWebhookUrl string = ''

@description('Resource id of the Service Bus namespace.')
param serviceBusNamespaceId string

@description('Resource id of the Application Insights resource.')
param applicationInsightsId string

@description('Dead-lettered messages in any one queue above which the dead-letter alert fires.')
@minValue(0)
param deadLetterThreshold int = 0

@description('Failed function invocations within 15 minutes above which the failures alert fires.')
@minValue(0)
param functionFailureThreshold int = 10

@description('Failure rate, in percent, above which the failure-rate alert fires.')
@minValue(1)
@maxValue(100)
param failureRatePercent int = 5

@description('Name of the custom metric (a share from 0 to 1) mailferry publishes with its failure rate.')
param failureRateMetricName string = 'mailferry.failure_rate'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'mailferry'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'operations-mail'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
    webhookReceivers: empty(alertWebhookUrl) ? [] : [
      {
        name: 'operations-webhook'
        serviceUri: alertWebhookUrl
        useCommonAlertSchema: true
      }
    ]
  }
}

// One evaluation per queue: the EntityName dimension splits the namespace metric by queue.
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${actionGroupName}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages are being dead-lettered in a mailferry queue. Inspect and replay them with the CLI or the admin API.'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    targetResourceType: 'Microsoft.ServiceBus/namespaces'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLetteredPerQueue'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: deadLetterThreshold
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// Every function invocation is a request in Application Insights; failed ones are exceptions
// that escaped a handler (transient errors the platform will redeliver, or bugs).
resource functionFailureAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${actionGroupName}-function-failures'
  location: 'global'
  tags: tags
  properties: {
    description: 'mailferry functions are failing. Open Application Insights > Failures for the exceptions.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    targetResourceType: 'Microsoft.Insights/components'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'FailedInvocations'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'requests/failed'
          operator: 'GreaterThan'
          threshold: functionFailureThreshold
          timeAggregation: 'Count'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// mailferry publishes its failure rate as a custom metric; alert on the worst value in the window.
resource failureRateAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${actionGroupName}-failure-rate'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'mailferry failure rate'
    description: 'The share of accounts failing is above the threshold. Check the failure classes in the status page.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == \'${failureRateMetricName}\' | extend failurePercent = 100.0 * valueSum / iff(valueCount == 0, 1, valueCount) | project timestamp, failurePercent'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failurePercent'
          operator: 'GreaterThan'
          threshold: failureRatePercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

@description('Resource id of the action group, for adding more receivers or alert rules.')
output actionGroupId string = actionGroup.id
