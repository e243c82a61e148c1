/** GitLab's CRM mutations: Relay-style inputs, and payloads whose errors list refused changes. */
export const mutationsSdl = /* GraphQL */ `
  type Mutation {
    customerRelationsContactCreate(
      input: CustomerRelationsContactCreateInput!
    ): CustomerRelationsContactCreatePayload
    customerRelationsContactUpdate(
      input: CustomerRelationsContactUpdateInput!
    ): CustomerRelationsContactUpdatePayload
    customerRelationsOrganizationCreate(
      input: CustomerRelationsOrganizationCreateInput!
    ): CustomerRelationsOrganizationCreatePayload
    customerRelationsOrganizationUpdate(
      input: CustomerRelationsOrganizationUpdateInput!
    ): CustomerRelationsOrganizationUpdatePayload
    issueSetCrmContacts(input: IssueSetCrmContactsInput!): IssueSetCrmContactsPayload
  }

  input CustomerRelationsContactCreateInput {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Group for the contact (a top-level group or a configured contact source).
    """
    groupId: GroupID!
    """
    Organization for the contact.
    """
    organizationId: CustomerRelationsOrganizationID
    """
    First name of the contact.
    """
    firstName: String!
    """
    Last name of the contact.
    """
    lastName: String!
    """
    Phone number of the contact.
    """
    phone: String
    """
    Email address of the contact.
    """
    email: String
    """
    Description of or notes for the contact.
    """
    description: String
  }

  type CustomerRelationsContactCreatePayload {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Contact after the mutation.
    """
    contact: CustomerRelationsContact
    """
    Errors encountered during execution of the mutation.
    """
    errors: [String!]!
  }

  input CustomerRelationsContactUpdateInput {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Global ID of the contact.
    """
    id: CustomerRelationsContactID!
    """
    Organization of the contact (null: none).
    """
    organizationId: CustomerRelationsOrganizationID
    """
    First name of the contact.
    """
    firstName: String
    """
    Last name of the contact.
    """
    lastName: String
    """
    Phone number of the contact.
    """
    phone: String
    """
    Email address of the contact.
    """
    email: String
    """
    Description of or notes for the contact.
    """
    description: String
    """
    State of the contact.
    """
    active: Boolean
  }

  type CustomerRelationsContactUpdatePayload {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Contact after the mutation.
    """
    contact: CustomerRelationsContact
    """
    Errors encountered during execution of the mutation.
    """
    errors: [String!]!
  }

  input CustomerRelationsOrganizationCreateInput {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Group for the organization (a top-level group or a configured contact source).
    """
    groupId: GroupID!
    """
    Name of the organization.
    """
    name: String!
    """
    Standard billing rate for the organization.
    """
    defaultRate: Float
    """
    Description of or notes for the organization.
    """
    description: String
  }

  type CustomerRelationsOrganizationCreatePayload {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Organization after the mutation.
    """
    organization: CustomerRelationsOrganization
    """
    Errors encountered during execution of the mutation.
    """
    errors: [String!]!
  }

  input CustomerRelationsOrganizationUpdateInput {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Global ID of the organization.
    """
    id: CustomerRelationsOrganizationID!
    """
    Name of the organization.
    """
    name: String
    """
    Standard billing rate for the organization.
    """
    defaultRate: Float
    """
    Description of or notes for the organization.
    """
    description: String
    """
    State of the organization.
    """
    active: Boolean
  }

  type CustomerRelationsOrganizationUpdatePayload {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Organization after the mutation.
    """
    organization: CustomerRelationsOrganization
    """
    Errors encountered during execution of the mutation.
    """
    errors: [String!]!
  }

  """
  Different toggles for changing mutator behavior.
  """
  enum MutationOperationMode {
    """
    Performs a replace operation.
    """
    REPLACE
    """
    Performs an append operation.
    """
    APPEND
    """
    Performs a removal operation.
    """
    REMOVE
  }

  input IssueSetCrmContactsInput {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Project the issue to mutate is in.
    """
    projectPath: ID!
    """
    IID of the issue to mutate.
    """
    iid: String!
    """
    Customer relations contact IDs to set. Replaces existing contacts by default.
    """
    contactIds: [CustomerRelationsContactID!]!
    """
    Changes the operation mode. Defaults to REPLACE.
    """
    operationMode: MutationOperationMode
  }

  type IssueSetCrmContactsPayload {
    """
    A unique identifier for the client performing the mutation.
    """
    clientMutationId: String
    """
    Errors encountered during execution of the mutation.
    """
    errors: [String!]!
    """
    Issue after mutation.
    """
    issue: Issue
  }
`;
