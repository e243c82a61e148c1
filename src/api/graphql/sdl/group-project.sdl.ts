/** Groups, projects and issues (desk's work items): only what reaches the CRM. */
export const groupProjectSdl = /* GraphQL */ `
  type Group {
    """
    Global id of the group.
    """
    id: ID!
    """
    Name of the group.
    """
    name: String!
    """
    Path of the group.
    """
    path: String!
    """
    Full path of the group.
    """
    fullPath: ID!
    """
    Find contacts of this group (null without the Planner role or with customer relations off).
    """
    contacts(
      """
      Search term to find contacts with (email, first or last name).
      """
      search: String
      """
      State of the contacts to search for.
      """
      state: CustomerRelationsContactState
      """
      Filter contacts by IDs.
      """
      ids: [CustomerRelationsContactID!]
      """
      Returns the elements in the list that come after the specified cursor.
      """
      after: String
      """
      Returns the first _n_ elements from the list (at most 100).
      """
      first: Int
    ): CustomerRelationsContactConnection
    """
    Counts of contacts by state for the group.
    """
    contactStateCounts(
      """
      Search term to find contacts with.
      """
      search: String
    ): ContactStateCounts
    """
    Find organizations of this group.
    """
    organizations(
      """
      Search term used to find organizations with (part of the name).
      """
      search: String
      """
      State of the organization to search for.
      """
      state: CustomerRelationsOrganizationState
      """
      Filter organizations by IDs.
      """
      ids: [CustomerRelationsOrganizationID!]
      """
      Returns the elements in the list that come after the specified cursor.
      """
      after: String
      """
      Returns the first _n_ elements from the list (at most 100).
      """
      first: Int
    ): CustomerRelationsOrganizationConnection
  }

  type Project {
    """
    Global id of the project.
    """
    id: ID!
    """
    Name of the project.
    """
    name: String!
    """
    Path of the project.
    """
    path: String!
    """
    Full path of the project.
    """
    fullPath: ID!
    """
    Find an issue (a desk work item) of the project.
    """
    issue(
      """
      IID of the issue, like "1".
      """
      iid: String
    ): Issue
  }

  """
  State of a GitLab issue.
  """
  enum IssueState {
    opened
    closed
    locked
    all
  }

  type Issue {
    """
    Global id of the issue.
    """
    id: ID!
    """
    Internal id of the issue in its project.
    """
    iid: String!
    """
    Title of the issue.
    """
    title: String!
    """
    State of the issue.
    """
    state: IssueState!
    """
    Timestamp of when the issue was created.
    """
    createdAt: Time!
    """
    Customer relations contacts of the issue (null without the Planner role in its contact source).
    """
    customerRelationsContacts(
      """
      Returns the elements in the list that come after the specified cursor.
      """
      after: String
      """
      Returns the first _n_ elements from the list (at most 100).
      """
      first: Int
    ): CustomerRelationsContactConnection
  }
`;
